package jqscheduler

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/internal/hsshow"
)

// The readers here decode JSON the way Ganeti's Haskell side does where
// it matters to the scheduler: numbers read as integers are rounded, and
// failures carry the texts of Text.JSON and Ganeti.JSON.

// member is one key and value of a JSON object.
type member = hsjson.Member[json.RawMessage]

// readObject decodes a JSON object keeping its member order; the values
// alias raw.
func readObject(raw json.RawMessage) ([]member, bool) {
	members, err := hsjson.ReadMembers(raw)
	return members, err == nil
}

// lookup returns the value of the first member called key.
func lookup(members []member, key string) (json.RawMessage, bool) {
	for _, m := range members {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// requireKey is lookup failing with Ganeti's text for a missing key.
func requireKey(members []member, key string) (json.RawMessage, error) {
	if v, ok := lookup(members, key); ok {
		return v, nil
	}
	keys := make([]string, len(members))
	for i, m := range members {
		keys[i] = m.Key
	}
	return nil, parseErrorf("key '%s' not found, object contains only %s", key, hsshow.Strings(keys))
}

// isNull reports whether raw is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// readString decodes a JSON string.
func readString(raw json.RawMessage) (string, error) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", parseErrorf("Unable to read String")
	}
	return s, nil
}

// readList decodes a JSON array into its raw elements.
func readList(raw json.RawMessage) ([]json.RawMessage, error) {
	var list []json.RawMessage
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &list) != nil {
		return nil, parseErrorf("Unable to read list")
	}
	return list, nil
}

// maxExponent bounds the exponent of number literals read exactly, so
// that a literal like 1e999999999 cannot cost unbounded work.
const maxExponent = 400

// readRational decodes a JSON number exactly.
func readRational(raw json.RawMessage) (*big.Rat, bool) {
	lit := string(bytes.TrimSpace(raw))
	if lit == "" || !(lit[0] == '-' || lit[0] >= '0' && lit[0] <= '9') {
		return nil, false
	}
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		exp, err := strconv.Atoi(lit[i+1:])
		if err != nil || exp > maxExponent || exp < -maxExponent {
			return nil, false
		}
	}
	return new(big.Rat).SetString(lit)
}

// readRounded decodes a JSON number as Haskell's round reads it into an
// integer type (halves to even); what is not an int64 fails with
// "Unable to read <what>".
func readRounded(raw json.RawMessage, what string) (int64, error) {
	if i, err := strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 64); err == nil {
		return i, nil
	}
	r, ok := readRational(raw)
	if !ok {
		return 0, parseErrorf("Unable to read %s", what)
	}
	n := hsjson.RoundHalfEven(r)
	if !n.IsInt64() {
		return 0, parseErrorf("Unable to read %s", what)
	}
	return n.Int64(), nil
}

// readNonNegative decodes Ganeti's NonNegative Int.
func readNonNegative(raw json.RawMessage) (int, error) {
	n, err := readRounded(raw, "Int")
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, parseErrorf("Invalid value for non-negative type '%d'", n)
	}
	return int(n), nil
}

// readJobID decodes a job id: a non-negative integral number or a string
// holding one.
func readJobID(raw json.RawMessage) (uint64, error) {
	if s, err := readString(raw); err == nil {
		n, perr := strconv.ParseInt(strings.TrimLeft(s, " \t\n\r\f\v"), 10, 64)
		if perr != nil {
			return 0, parseErrorf("parsing job id: cannot parse string '%s'", s)
		}
		return checkJobID(n)
	}
	r, ok := readRational(raw)
	switch {
	case !ok:
		return 0, parseErrorf("Wrong type/value for job id: %s", bytes.TrimSpace(raw))
	case !r.IsInt():
		return 0, parseErrorf("Got fractional job ID from master daemon?! Value:%s %% %s", r.Num(), r.Denom())
	case !r.Num().IsInt64():
		return 0, parseErrorf("Wrong type/value for job id: %s", bytes.TrimSpace(raw))
	}
	return checkJobID(r.Num().Int64())
}

func checkJobID(n int64) (uint64, error) {
	if n < 0 {
		return 0, parseErrorf("Invalid value for job ID ' %d'", n)
	}
	return uint64(n), nil
}

// Reason is one entry of a reason trail: who, why and when (nanoseconds).
type Reason struct {
	Source    string
	Text      string
	Timestamp int64
}

// MarshalJSON writes [source, reason, timestamp].
func (r Reason) MarshalJSON() ([]byte, error) {
	return hsjson.Marshal([]any{r.Source, r.Text, r.Timestamp})
}

// UnmarshalJSON reads [source, reason, timestamp].
func (r *Reason) UnmarshalJSON(data []byte) error {
	parsed, err := readReason(data)
	if err != nil {
		return err
	}
	*r = parsed
	return nil
}

// readReason decodes one reason trail entry.
func readReason(raw json.RawMessage) (Reason, error) {
	var parts []json.RawMessage
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &parts) != nil || len(parts) != 3 {
		return Reason{}, parseErrorf("Unable to read Triple")
	}
	source, err := readString(parts[0])
	if err != nil {
		return Reason{}, err
	}
	text, err := readString(parts[1])
	if err != nil {
		return Reason{}, err
	}
	ts, err := readRounded(parts[2], "Integer")
	if err != nil {
		return Reason{}, err
	}
	return Reason{Source: source, Text: text, Timestamp: ts}, nil
}

// readReasonTrail decodes a reason trail.
func readReasonTrail(raw json.RawMessage) ([]Reason, error) {
	list, err := readList(raw)
	if err != nil {
		return nil, err
	}
	trail := make([]Reason, 0, len(list))
	for _, e := range list {
		r, err := readReason(e)
		if err != nil {
			return nil, err
		}
		trail = append(trail, r)
	}
	return trail, nil
}
