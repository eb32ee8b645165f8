package jqueue

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// parseJobFast reads a job file in the shapes luxid and the Python job
// process write, in one pass that checks the whole file is JSON the way
// encoding/json checks it and fills the Job directly. It takes only what
// it can read exactly as ParseJob's encoding/json reading does: the known
// keys, each at most once; statuses and livelocks without escapes;
// integers that an int64, and for timestamps a float64, hold exactly;
// nesting less than maxFastDepth deep; and the keys ParseJob insists on.
// For anything else it returns false and ParseJob hands the file to
// encoding/json. The job's raw JSON values point into data.
func parseJobFast(data []byte) (*Job, bool) {
	s := jobScanner{data: data}
	s.skipSpace()
	job, ok := s.job()
	if !ok {
		return nil, false
	}
	s.skipSpace()
	return job, s.pos == len(s.data)
}

// maxFastDepth bounds the nesting parseJobFast follows; encoding/json's own
// limit is far deeper, so deeper files go to it.
const maxFastDepth = 200

// Digits of the integer literals parseJobFast reads itself: every integer
// of up to 15 digits is exact as a float64, and of up to 18 as an int64.
const (
	timestampDigits = 15
	intDigits       = 18
	uintDigits      = 19
)

// jobScanner reads one job file; pos is the next byte to read.
type jobScanner struct {
	data []byte
	pos  int
}

// Keys of a job object and of an opcode entry, as bits of a set.
const (
	keyID = 1 << iota
	keyOps
	keyReceived
	keyJobStart
	keyJobEnd
	keyLivelock
	keyProcessID
)

const (
	keyInput = 1 << iota
	keyStatus
	keyResult
	keyLog
	keyPriority
	keyOpStart
	keyOpExec
	keyOpEnd
)

// jobBlock is a job with the values it points to, allocated at once.
type jobBlock struct {
	job       Job
	times     [3]Timestamp
	livelock  string
	processID int64
}

// opBlock is an opcode entry with its timestamps, allocated at once.
type opBlock struct {
	op    OpCode
	times [3]Timestamp
}

// job reads the job object.
func (s *jobScanner) job() (*Job, bool) {
	b := &jobBlock{}
	job := &b.job
	var seen uint
	ok := s.object(func(key []byte) bool {
		var bit uint
		ok := false
		switch string(key) {
		case "id":
			bit = keyID
			job.ID, ok = s.uint()
		case "ops":
			bit = keyOps
			job.Ops, ok = s.ops()
		case "received_timestamp":
			bit = keyReceived
			job.Received, ok = s.timestamp(&b.times[0])
		case "start_timestamp":
			bit = keyJobStart
			job.Start, ok = s.timestamp(&b.times[1])
		case "end_timestamp":
			bit = keyJobEnd
			job.End, ok = s.timestamp(&b.times[2])
		case "livelock":
			bit = keyLivelock
			job.Livelock, ok = s.optionalString(&b.livelock)
		case "process_id":
			bit = keyProcessID
			job.ProcessID, ok = s.optionalInt(&b.processID)
		}
		return s.once(&seen, bit, ok)
	})
	return job, ok && seen&(keyID|keyOps) == keyID|keyOps
}

// ops reads the list of opcode entries.
func (s *jobScanner) ops() ([]*OpCode, bool) {
	ops := []*OpCode{}
	ok := s.array(func() bool {
		op, ok := s.opCode()
		ops = append(ops, op)
		return ok
	})
	return ops, ok
}

// opCode reads one opcode entry.
func (s *jobScanner) opCode() (*OpCode, bool) {
	b := &opBlock{}
	op := &b.op
	var seen uint
	ok := s.object(func(key []byte) bool {
		var bit uint
		ok := false
		switch string(key) {
		case "input":
			bit = keyInput
			op.Input, ok = s.raw(1)
		case "status":
			bit = keyStatus
			op.Status, ok = s.status()
		case "result":
			bit = keyResult
			op.Result, ok = s.raw(1)
		case "log":
			bit = keyLog
			op.Log, ok = s.log()
		case "priority":
			bit = keyPriority
			var p int64
			p, ok = s.int()
			op.Priority = int(p)
		case "start_timestamp":
			bit = keyOpStart
			op.Start, ok = s.timestamp(&b.times[0])
		case "exec_timestamp":
			bit = keyOpExec
			op.Exec, ok = s.timestamp(&b.times[1])
		case "end_timestamp":
			bit = keyOpEnd
			op.End, ok = s.timestamp(&b.times[2])
		}
		return s.once(&seen, bit, ok)
	})
	const required = keyInput | keyStatus | keyResult | keyPriority
	if op.Log == nil {
		op.Log = []json.RawMessage{}
	}
	return op, ok && seen&required == required
}

// once records key bit as seen: false for an unknown key (bit 0), a key
// seen before, or a value that did not read (ok false).
func (s *jobScanner) once(seen *uint, bit uint, ok bool) bool {
	if bit == 0 || *seen&bit != 0 || !ok {
		return false
	}
	*seen |= bit
	return true
}

// log reads an opcode's log: null (no entries) or a list of entries kept
// as they are.
func (s *jobScanner) log() ([]json.RawMessage, bool) {
	if s.literal("null") {
		return nil, true
	}
	entries := []json.RawMessage{}
	ok := s.array(func() bool {
		entry, ok := s.raw(2)
		entries = append(entries, entry)
		return ok
	})
	return entries, ok
}

// status reads an opcode status.
func (s *jobScanner) status() (Status, bool) {
	text, ok := s.plainString()
	if !ok {
		return 0, false
	}
	for i, name := range statusNames {
		if string(text) == name {
			return Status(i), true
		}
	}
	return 0, false
}

// timestamp reads null (nil) or [seconds, microseconds] into dst.
func (s *jobScanner) timestamp(dst *Timestamp) (*Timestamp, bool) {
	if s.literal("null") {
		return nil, true
	}
	if !s.peek('[') {
		return nil, false
	}
	s.pos++
	s.skipSpace()
	sec, ok := s.integer(timestampDigits)
	if !ok || !s.punct(',') {
		return nil, false
	}
	usec, ok := s.integer(timestampDigits)
	if !ok || !s.punct(']') {
		return nil, false
	}
	*dst = Timestamp{Sec: sec, Usec: usec}
	return dst, true
}

// optionalString reads null (nil) or a string without escapes into dst.
func (s *jobScanner) optionalString(dst *string) (*string, bool) {
	if s.literal("null") {
		return nil, true
	}
	text, ok := s.plainString()
	if !ok || !utf8.Valid(text) {
		return nil, false
	}
	*dst = string(text)
	return dst, true
}

// optionalInt reads null (nil) or an integer into dst.
func (s *jobScanner) optionalInt(dst *int64) (*int64, bool) {
	if s.literal("null") {
		return nil, true
	}
	v, ok := s.int()
	*dst = v
	return dst, ok
}

// int reads an integer literal an int64 holds.
func (s *jobScanner) int() (int64, bool) { return s.integer(intDigits) }

// uint reads a non-negative integer literal a uint64 holds.
func (s *jobScanner) uint() (uint64, bool) {
	start := s.pos
	if !s.digits(uintDigits) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s.data[start:s.pos]), 10, 64)
	return v, err == nil
}

// integer reads an integer literal of at most maxDigits digits, with no
// fraction or exponent.
func (s *jobScanner) integer(maxDigits int) (int64, bool) {
	neg := s.peek('-')
	if neg {
		s.pos++
	}
	start := s.pos
	if !s.digits(maxDigits) {
		return 0, false
	}
	var v int64
	for _, c := range s.data[start:s.pos] {
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// digits reads the digits of a JSON integer (no leading zero) of at most
// maxDigits digits, not followed by a fraction or exponent.
func (s *jobScanner) digits(maxDigits int) bool {
	start := s.pos
	if s.peek('0') {
		s.pos++
	} else {
		for s.peekDigit() {
			s.pos++
		}
	}
	n := s.pos - start
	if n == 0 || n > maxDigits {
		return false
	}
	return s.pos == len(s.data) || !isNumberTail(s.data[s.pos])
}

// isNumberTail reports whether c would continue a number literal.
func isNumberTail(c byte) bool {
	return c == '.' || c == 'e' || c == 'E' || ('0' <= c && c <= '9')
}

// plainString reads a string without escapes and returns its bytes.
func (s *jobScanner) plainString() ([]byte, bool) {
	if !s.peek('"') {
		return nil, false
	}
	start := s.pos + 1
	for i := start; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			return s.data[start:i], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// raw reads any JSON value at nesting depth and returns its bytes, capped
// so that appending to them never writes into data.
func (s *jobScanner) raw(depth int) (json.RawMessage, bool) {
	start := s.pos
	if !s.skipValue(depth) {
		return nil, false
	}
	return json.RawMessage(s.data[start:s.pos:s.pos]), true
}

// skipValue checks one JSON value at nesting depth and reads past it.
func (s *jobScanner) skipValue(depth int) bool {
	if s.pos >= len(s.data) || depth >= maxFastDepth {
		return false
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(func([]byte) bool { return s.skipValue(depth + 1) })
	case c == '[':
		return s.array(func() bool { return s.skipValue(depth + 1) })
	case c == '"':
		return s.skipString()
	case c == '-' || ('0' <= c && c <= '9'):
		return s.skipNumber()
	}
	return s.literal("true") || s.literal("false") || s.literal("null")
}

// object reads an object, handing each member's key to member with pos
// at its value; member must read the value.
func (s *jobScanner) object(member func(key []byte) bool) bool {
	if !s.peek('{') {
		return false
	}
	s.pos++
	s.skipSpace()
	if s.peek('}') {
		s.pos++
		return true
	}
	for {
		start := s.pos
		if !s.skipString() {
			return false
		}
		key := s.data[start+1 : s.pos-1]
		if !s.punct(':') || !member(key) {
			return false
		}
		s.skipSpace()
		if s.peek('}') {
			s.pos++
			return true
		}
		if !s.punct(',') {
			return false
		}
	}
}

// array reads an array, calling elem with pos at each element; elem must
// read it.
func (s *jobScanner) array(elem func() bool) bool {
	if !s.peek('[') {
		return false
	}
	s.pos++
	s.skipSpace()
	if s.peek(']') {
		s.pos++
		return true
	}
	for {
		if !elem() {
			return false
		}
		s.skipSpace()
		if s.peek(']') {
			s.pos++
			return true
		}
		if !s.punct(',') {
			return false
		}
	}
}

// skipString reads a string, checking its escapes.
func (s *jobScanner) skipString() bool {
	if !s.peek('"') {
		return false
	}
	for i := s.pos + 1; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			n, ok := escapeLen(s.data[i+1:])
			if !ok {
				return false
			}
			i += n
		}
	}
	return false
}

// escapeLen checks the escape whose backslash precedes rest and returns
// how many bytes of rest it takes.
func escapeLen(rest []byte) (int, bool) {
	if len(rest) == 0 {
		return 0, false
	}
	switch rest[0] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 1, true
	case 'u':
		if len(rest) < 5 {
			return 0, false
		}
		for _, c := range rest[1:5] {
			if !isHex(c) {
				return 0, false
			}
		}
		return 5, true
	}
	return 0, false
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// skipNumber reads a number literal: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jobScanner) skipNumber() bool {
	if s.peek('-') {
		s.pos++
	}
	switch {
	case s.peek('0'):
		s.pos++
	case s.peekDigit():
		s.skipDigits()
	default:
		return false
	}
	if s.peek('.') {
		s.pos++
		if !s.skipDigits() {
			return false
		}
	}
	if s.peek('e') || s.peek('E') {
		s.pos++
		if s.peek('+') || s.peek('-') {
			s.pos++
		}
		if !s.skipDigits() {
			return false
		}
	}
	return true
}

// skipDigits reads one or more digits.
func (s *jobScanner) skipDigits() bool {
	start := s.pos
	for s.peekDigit() {
		s.pos++
	}
	return s.pos > start
}

// literal reads word if it comes next.
func (s *jobScanner) literal(word string) bool {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return false
	}
	s.pos += len(word)
	return true
}

// punct reads c between optional white space.
func (s *jobScanner) punct(c byte) bool {
	s.skipSpace()
	if !s.peek(c) {
		return false
	}
	s.pos++
	s.skipSpace()
	return true
}

func (s *jobScanner) peek(c byte) bool { return s.pos < len(s.data) && s.data[s.pos] == c }

func (s *jobScanner) peekDigit() bool {
	return s.pos < len(s.data) && '0' <= s.data[s.pos] && s.data[s.pos] <= '9'
}

// skipSpace reads JSON white space.
func (s *jobScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}
