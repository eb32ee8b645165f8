package opcodes

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/goluxid/goluxid/internal/hsshow"
)

// The parameters every opcode takes, decoded as Haskell's CommonOpParams
// (which differ from Python's OpCode: "reason" is mandatory there).
const (
	keyDryRun     = "dry_run"
	keyDebugLevel = "debug_level"
	keyPriority   = "priority"
	keyDepends    = "depends"
	keyComment    = "comment"
	keyReason     = "reason"
	opIDKey       = "OP_ID"
)

// commonKeys are the common parameters in the order luxid reads and
// writes them.
var commonKeys = [...]string{keyDryRun, keyDebugLevel, keyPriority, keyDepends, keyComment, keyReason}

// Indexes of the common parameters in commonRecord.
const (
	iDryRun = iota
	iDebugLevel
	iPriority
	iDepends
	iComment
	iReason
	nCommon
)

// Opcode priorities luxid accepts at submission (OpSubmitPriority).
const (
	PriorityLow    = -10
	PriorityNormal = 0
	PriorityHigh   = 10
)

var commonRecord = newRecord([]field{
	{name: keyDryRun, typ: &typ{kind: tBool}, mode: modeOmit},
	{name: keyDebugLevel, typ: nonNegIntType, mode: modeOmit},
	{name: keyPriority, typ: &typ{kind: tPriority}, mode: modeDefault, def: intValue(PriorityNormal)},
	{name: keyDepends, typ: &typ{kind: tDepends}, mode: modeNull},
	{name: keyComment, typ: stringType, mode: modeNull},
	{name: keyReason, typ: &typ{kind: tReason}, mode: modeRequired},
}, false)

// readPriority reads an OpSubmitPriority: an Int that is -10, 0 or 10.
func readPriority(v *value) (value, error) {
	if v.kind == kNum && v.canon && (v.s == "0" || v.s == "10" || v.s == "-10") {
		return *v, nil
	}
	n, err := readInt(v)
	if err != nil {
		return value{}, fmt.Errorf("Can't parse value for 'OpSubmitPriority': %w", err)
	}
	if n != PriorityLow && n != PriorityNormal && n != PriorityHigh {
		return value{}, fmt.Errorf("Invalid string value for type OpSubmitPriority: %s", hsshow.Int(n))
	}
	return intValue(n), nil
}

// finalizedStatuses are the job statuses a dependency may wait for.
var finalizedStatuses = newEnum("FinalizedJobStatus", []string{"canceled", "success", "error"})

// readDepends reads a list of job dependencies [job, [status, …]], job
// being a job id or a negative id relative to the submitted job.
func readDepends(v *value) (value, error) {
	if v.kind != kArr {
		return value{}, errReadList
	}
	out := make([]value, len(v.arr))
	for i := range v.arr {
		dep := &v.arr[i]
		if dep.kind != kArr || len(dep.arr) != 2 {
			return value{}, tupleErrors[2]
		}
		id, err := readJobIDDep(&dep.arr[0])
		if err != nil {
			return value{}, err
		}
		statuses, err := readStatuses(&dep.arr[1])
		if err != nil {
			return value{}, err
		}
		out[i] = arrValue([]value{intValue(id), statuses})
	}
	return arrValue(out), nil
}

var finalizedStatusType = &typ{kind: tEnum, enum: finalizedStatuses}

func readStatuses(v *value) (value, error) { return readList(v, finalizedStatusType) }

// readJobIDDep reads a relative (negative Int) or absolute job id.
func readJobIDDep(v *value) (int64, error) {
	if v.kind == kNum {
		if n := roundInt(v.s); n < 0 {
			return n, nil
		}
	}
	return parseJobID(v)
}

// parseJobID reads a job id: a non-negative integral number, or a
// string holding one.
func parseJobID(v *value) (int64, error) {
	var n int64
	switch v.kind {
	case kStr:
		parsed, rest, ok := readsInt(v.s)
		switch {
		case !ok:
			return 0, fmt.Errorf("parsing job id: cannot parse string '%s'", v.s)
		case rest != "":
			return 0, fmt.Errorf("parsing job id: leftover characters when parsing '%s': '%s'", v.s, rest)
		}
		n = parsed
	case kNum:
		if !isIntegral(v.s) {
			return 0, fmt.Errorf("Got fractional job ID from master daemon?! Value:%s", hsshow.NumberRational(v.s))
		}
		n = roundInt(v.s)
	default:
		return 0, fmt.Errorf("Wrong type/value for job id: %s", showJSValue(v))
	}
	if n < 0 {
		return 0, invalidJobID(n)
	}
	return n, nil
}

func invalidJobID(n int64) error {
	return fmt.Errorf("Invalid value for job ID ' %s'", hsshow.Int(n))
}

// isIntegral reports whether the number literal has an integral value.
func isIntegral(lit string) bool { return parseDecimal(lit).integral() }

// readReason reads a reason trail: a list of [source, text, timestamp],
// the timestamp an Integer (nanoseconds).
func readReason(v *value) (value, error) {
	if v.kind != kArr {
		return value{}, errReadList
	}
	if canonicalTrail(v) {
		return *v, nil
	}
	out := make([]value, len(v.arr))
	for i := range v.arr {
		e := &v.arr[i]
		if e.kind != kArr || len(e.arr) != 3 {
			return value{}, tupleErrors[3]
		}
		src, err := stringType.read(&e.arr[0])
		if err != nil {
			return value{}, err
		}
		text, err := stringType.read(&e.arr[1])
		if err != nil {
			return value{}, err
		}
		ts, err := readInteger(&e.arr[2])
		if err != nil {
			return value{}, err
		}
		out[i] = arrValue([]value{src, text, ts})
	}
	return arrValue(out), nil
}

// canonicalTrail reports whether every entry of a reason trail is two
// strings and an integer written as luxid writes it.
func canonicalTrail(v *value) bool {
	for i := range v.arr {
		e := &v.arr[i]
		if e.kind != kArr || len(e.arr) != 3 || e.arr[0].kind != kStr || e.arr[1].kind != kStr ||
			e.arr[2].kind != kNum || !e.arr[2].canon {
			return false
		}
	}
	return true
}

// readInteger reads an Integer: any number, rounded, without bounds.
func readInteger(v *value) (value, error) {
	if v.kind != kNum {
		return value{}, errReadInteger
	}
	if isPlainInt(v.s) {
		return canonNum(v.s), nil
	}
	return canonNum(roundInteger(v.s).String()), nil
}

// readsInt parses the start of s as Haskell's reads does for an Int:
// optional spaces, parentheses and minus sign, then a decimal, 0x hex or
// 0o octal literal (not followed by a fraction or exponent). It returns
// the number, wrapped around 64 bits, and what follows it.
func readsInt(s string) (int64, string, bool) {
	rest := skipHsSpace(s)
	if strings.HasPrefix(rest, "(") {
		n, after, ok := readsInt(rest[1:])
		after = skipHsSpace(after)
		if !ok || !strings.HasPrefix(after, ")") {
			return 0, "", false
		}
		return n, after[1:], true
	}
	neg := false
	if strings.HasPrefix(rest, "-") && !isSymbolChar(rest, 1) {
		neg, rest = true, skipHsSpace(rest[1:])
	}
	n, after, ok := readNatural(rest)
	if !ok {
		return 0, "", false
	}
	if neg {
		n.Neg(n)
	}
	return wrapInt64(n), after, true
}

// readNatural reads an unsigned Haskell integer literal.
func readNatural(s string) (*big.Int, string, bool) {
	base, digits := 10, "0123456789"
	if len(s) > 2 && s[0] == '0' && strings.ContainsRune("xXoO", rune(s[1])) {
		if strings.ContainsRune("xX", rune(s[1])) {
			base, digits = 16, "0123456789abcdefABCDEF"
		} else {
			base, digits = 8, "01234567"
		}
		if strings.ContainsRune(digits, rune(s[2])) {
			s = s[2:]
		} else {
			base, digits = 10, "0123456789"
		}
	}
	end := 0
	for end < len(s) && strings.ContainsRune(digits, rune(s[end])) {
		end++
	}
	if end == 0 {
		return nil, "", false
	}
	n, _ := new(big.Int).SetString(s[:end], base)
	rest := s[end:]
	if base == 10 && (hasFraction(rest) || hasExponent(rest)) {
		return nil, "", false // a Double literal, which an Int does not read
	}
	return n, rest, true
}

func hasFraction(s string) bool {
	return len(s) > 1 && s[0] == '.' && s[1] >= '0' && s[1] <= '9'
}

func hasExponent(s string) bool {
	if len(s) < 2 || (s[0] != 'e' && s[0] != 'E') {
		return false
	}
	s = s[1:]
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// isSymbolChar reports whether s[i] continues a Haskell operator symbol
// (so that "--5" or "-+5" is not a minus sign).
func isSymbolChar(s string, i int) bool {
	return i < len(s) && strings.ContainsRune("!#$%&*+./<=>?@\\^|-~:", rune(s[i]))
}

func skipHsSpace(s string) string {
	return strings.TrimLeft(s, " \t\n\r\f\v")
}
