package luxid

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/goluxid/goluxid/internal/hsshow"
	"github.com/goluxid/goluxid/luxi"
)

// decodeArgs decodes the positional argument array into targets, one
// element each. Any mismatch is a request-decoding failure, answered with
// the real luxid's "Cannot convert value" text.
func decodeArgs(args json.RawMessage, targets ...any) error {
	elems, err := argList(args)
	if err != nil {
		return err
	}
	if len(elems) != len(targets) {
		return convertError(args, fmt.Sprintf("expected %d arguments, got %d", len(targets), len(elems)))
	}
	for i, elem := range elems {
		if err := decodeArg(args, elem, targets[i]); err != nil {
			return err
		}
	}
	return nil
}

// argList splits the argument array into its elements.
func argList(args json.RawMessage) ([]json.RawMessage, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal(args, &elems); err != nil {
		return nil, convertError(args, "Unable to read list")
	}
	return elems, nil
}

// decodeArg decodes one element of args into target.
func decodeArg(args, elem json.RawMessage, target any) error {
	if err := json.Unmarshal(elem, target); err != nil {
		why := readError(target)
		if _, isID := target.(*jobID); isID {
			why = err.Error()
		}
		return convertError(args, why)
	}
	return nil
}

// parseFailure is a request-decoding failure with a fixed detail.
func parseFailure(detail string) error {
	return luxi.ParseErrorf("%s", detail)
}

// convertError is the request-decoding failure for an argument value.
func convertError(value json.RawMessage, why string) error {
	return luxi.ParseErrorf("Cannot convert value '%s', error: %s", hsshow.PrettyJSON(value), why)
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
	case *[]json.RawMessage, *[][]json.RawMessage:
		return "Unable to read list"
	default:
		return fmt.Sprintf("Unable to read %T", target)
	}
}

// jobID is a LUXI job id argument: a non-negative integer, given as a JSON
// number or as a decimal string ("3").
type jobID uint64

// UnmarshalJSON accepts both forms and nothing fractional or negative.
func (id *jobID) UnmarshalJSON(data []byte) error {
	var text string
	if err := json.Unmarshal(data, &text); err != nil {
		text = string(data)
	}
	n, err := strconv.ParseUint(text, 10, 64)
	if err != nil {
		return fmt.Errorf("Invalid value for job ID '%s'", text)
	}
	*id = jobID(n)
	return nil
}
