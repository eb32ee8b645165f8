package query

import (
	"slices"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/ganeti/gerrors"
)

// RequestedNames finds the names a filter asks for on the resource's name
// field (§4.2 of the spec). A filter is simple if it is empty, an equality
// on nameField, or an | of simple filters; for a simple filter names are
// the compared values in filter order, duplicates kept. Anything else (&,
// !, "!=", other operators or fields) is not simple: simple is false.
func (f *Filter) RequestedNames(nameField string) (names []Value, simple bool) {
	if f == nil {
		return nil, true
	}
	switch {
	case f.Op == OpEqual && f.Field == nameField:
		return []Value{f.Value}, true
	case f.Op != OpOr:
		return nil, false
	}
	for _, c := range f.Children {
		more, ok := c.RequestedNames(nameField)
		if !ok {
			return nil, false
		}
		names = append(names, more...)
	}
	return names, true
}

// StringNames returns the string values of names, in order, dropping the
// integers: config-backed resources look up only string names.
func StringNames(names []Value) []string {
	var out []string
	for _, n := range names {
		if s, ok := n.Text(); ok {
			out = append(out, s)
		}
	}
	return out
}

// JobIDs turns the names of a simple filter on the job id into job ids,
// first occurrences only. Strings are parsed as integers; a string that is
// not one, or a negative id, fails the query with a GenericError.
func JobIDs(names []Value) ([]uint64, error) {
	var ids []uint64
	for _, n := range names {
		id, err := jobID(n)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// jobID converts one filter value into a job id.
func jobID(n Value) (uint64, error) {
	if s, ok := n.Text(); ok {
		return parseJobID(s)
	}
	i := n.BigInt()
	if i.Sign() < 0 || !i.IsInt64() {
		return 0, gerrors.Generic("Invalid value for job ID ' %s'", i)
	}
	return uint64(i.Int64()), nil
}

// parseJobID reads a job id from a string as Haskell's reads reads an
// Int: leading blanks skipped, nothing may follow the digits.
func parseJobID(s string) (uint64, error) {
	text := strings.TrimLeft(s, " \t\n\r\f\v")
	end := 0
	if strings.HasPrefix(text, "-") {
		end = 1
	}
	for end < len(text) && isDigit(text[end]) {
		end++
	}
	i, err := strconv.ParseInt(text[:end], 10, 64)
	switch {
	case err != nil:
		return 0, gerrors.Generic("parsing job id: cannot parse string '%s'", s)
	case end < len(text):
		return 0, gerrors.Generic("parsing job id: leftover characters when parsing '%s': '%s'", s, text[end:])
	case i < 0:
		return 0, gerrors.Generic("Invalid value for job ID ' %d'", i)
	}
	return uint64(i), nil
}
