package luxid

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/goluxid/goluxid/luxi"
)

// decodeArgs decodes the positional argument array into targets, one
// element each. Any mismatch is a request-decoding failure, answered with
// the real luxid's "Cannot convert value" text.
func decodeArgs(args json.RawMessage, targets ...any) error {
	var elems []json.RawMessage
	if err := json.Unmarshal(args, &elems); err != nil {
		return convertError(args, "Unable to read list")
	}
	if len(elems) != len(targets) {
		return convertError(args, fmt.Sprintf("expected %d arguments, got %d", len(targets), len(elems)))
	}
	for i, elem := range elems {
		if err := json.Unmarshal(elem, targets[i]); err != nil {
			return convertError(args, readError(targets[i]))
		}
	}
	return nil
}

// convertError is the request-decoding failure for an argument value.
func convertError(value json.RawMessage, why string) error {
	return luxi.ParseErrorf("Cannot convert value '%s', error: %s", pyRepr(value), why)
}

// readError names the type that could not be read, in Haskell's words.
func readError(target any) string {
	switch target.(type) {
	case *bool:
		return "Unable to read Bool"
	case *string:
		return "Unable to read String"
	case *[]string:
		return "Unable to read list of String"
	case *int, *int64, *uint64:
		return "Unable to read Integer"
	case *float64:
		return "Unable to read Double"
	default:
		return fmt.Sprintf("Unable to read %T", target)
	}
}

// pyRepr renders JSON compactly with ", " between elements, the way the
// real luxid shows a value in its errors.
func pyRepr(value json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, value); err != nil {
		return string(value)
	}
	var out bytes.Buffer
	inString, escaped := false, false
	for _, c := range buf.Bytes() {
		out.WriteByte(c)
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ',' || c == ':'):
			out.WriteByte(' ')
		}
	}
	return out.String()
}
