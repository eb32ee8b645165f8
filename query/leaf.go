package query

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"strings"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/internal/hsjson"
)

// matchCell decides a leaf on a field's cell the way Ganeti's query
// filters do: a cell without a value passes every leaf; otherwise the
// field's filter mode and the operator decide, and a value of the wrong
// type is an error that fails the query.
func matchCell(leaf *Filter, mode FilterMode, c Cell) (bool, error) {
	if c.Status != RSNormal {
		return true, nil
	}
	if tags, ok := c.Value.([]string); ok && leaf.Op == OpContains && mode == ModeNormal && !leaf.Value.isInt {
		return slices.Contains(tags, leaf.Value.str), nil // the common case, without copying
	}
	v, err := normalize(c.Value)
	if err != nil {
		return false, err
	}
	if mode == ModeTimestamp {
		if v, err = timestampSeconds(v); err != nil {
			return false, err
		}
	}
	switch leaf.Op {
	case OpTrue:
		return truth(v)
	case OpRegexp:
		return regexpMatch(leaf.Regexp, v)
	case OpContains:
		return contains(leaf.Value, v)
	case OpEqual:
		if mode == ModeHostname {
			return hostnameEqual(leaf.Value, v)
		}
	}
	return compareLeaf(leaf.Op, leaf.Value, v)
}

// timestampSeconds returns the seconds of a [seconds, microseconds] value.
func timestampSeconds(v any) (any, error) {
	if pair, ok := v.([]any); ok && len(pair) == 2 {
		secs, err1 := normalize(pair[0])
		usecs, err2 := normalize(pair[1])
		if err1 == nil && err2 == nil && isNumber(secs) && isNumber(usecs) {
			return secs, nil
		}
	}
	return nil, gerrors.New(gerrors.ProgrammerError, "Internal error: Getter returned non-timestamp for QffTimestamp")
}

// truth decides a "?" leaf: the value must be a bool.
func truth(v any) (bool, error) {
	if b, ok := v.(bool); ok {
		return b, nil
	}
	return false, gerrors.New(gerrors.ParameterError, "Unexpected value '"+pretty(v)+"' in boolean context")
}

// regexpMatch decides a "=~" leaf: the value must be a string.
func regexpMatch(re *Regexp, v any) (bool, error) {
	if re == nil {
		return false, errors.New("query: =~ leaf without a regular expression")
	}
	if s, ok := v.(string); ok {
		return re.MatchString(s)
	}
	return false, gerrors.New(gerrors.ParameterError, "Invalid field value used in regexp matching, expecting string but got '"+pretty(v)+"'")
}

// hostnameEqual decides == on a hostname field: "node1" equals
// "node1.example.com" as well as "node1".
func hostnameEqual(fv Value, v any) (bool, error) {
	if isNumber(v) {
		return false, gerrors.New(gerrors.ProgrammerError, "QffHostname field returned a numeric value")
	}
	if name, ok := v.(string); ok && !fv.isInt {
		return HostnameMatch(name, fv.str), nil
	}
	return compareLeaf(OpEqual, fv, v)
}

// HostnameMatch reports whether the name key stands for name: name equals
// key or starts with key and a dot.
func HostnameMatch(name, key string) bool {
	return name == key || (len(name) > len(key) && name[len(key)] == '.' && strings.HasPrefix(name, key))
}

// compareLeaf decides a comparison: strings with strings, numbers with
// integers; anything else is an error.
func compareLeaf(op Op, fv Value, v any) (bool, error) {
	if s, ok := v.(string); ok && !fv.isInt {
		return op.Holds(cmp.Compare(s, fv.str)), nil
	}
	if fv.isInt {
		if c, ok := compareNumber(v, fv); ok {
			return op.Holds(c), nil
		}
	}
	return false, gerrors.New(gerrors.ParameterError,
		"Invalid types in comparison, trying to compare "+pretty(v)+" with '"+fv.Show()+"'")
}

// maxExact is the largest magnitude below which every integer is exact in
// a float64.
const maxExact = 1 << 53

// compareNumber orders a normalized number against an integer value
// exactly; false if v is not a number (or NaN).
func compareNumber(v any, fv Value) (int, bool) {
	small, isSmall := fv.Int64()
	switch x := v.(type) {
	case int64:
		if isSmall {
			return cmp.Compare(x, small), true
		}
	case float64:
		if math.IsNaN(x) {
			return 0, false
		}
		if isSmall && math.Abs(x) < maxExact && small > -maxExact && small < maxExact {
			return cmp.Compare(x, float64(small)), true
		}
		if math.IsInf(x, 0) {
			return int(math.Copysign(1, x)), true
		}
	}
	r, ok := toRat(v)
	if !ok {
		return 0, false
	}
	return r.Cmp(fv.rat()), true
}

// contains decides a "=[]" leaf: the value must be a list of strings (for
// a string) or of numbers (for an integer), read whole before the lookup
// as Ganeti reads it.
func contains(fv Value, v any) (bool, error) {
	list, ok := v.([]any)
	if !ok {
		return false, convertError(v, "Unable to read list")
	}
	if fv.isInt {
		return containsInt(fv, list)
	}
	return containsString(fv.str, list)
}

// containsString looks s up in a list that must hold only strings.
func containsString(s string, list []any) (bool, error) {
	strs := make([]string, len(list))
	for i, e := range list {
		str, why := elementString(e)
		if why != "" {
			return false, convertError(list, why)
		}
		strs[i] = str
	}
	return slices.Contains(strs, s), nil
}

// elementString reads a list element as Haskell reads a String: a string,
// or an array of one-character strings. why says what failed.
func elementString(e any) (s, why string) {
	n, err := normalize(e)
	if err != nil {
		return "", err.Error()
	}
	switch x := n.(type) {
	case string:
		return x, ""
	case []any:
		s, err := readString(x)
		if err != nil {
			return "", err.(*ParseError).Msg
		}
		return s, ""
	}
	return "", "Unable to read String"
}

// containsInt looks an integer up in a list that must hold only numbers;
// they are rounded to integers first (half to even), as Ganeti does.
func containsInt(fv Value, list []any) (bool, error) {
	want := fv.BigInt()
	found := false
	for _, e := range list {
		n, err := normalize(e)
		if err != nil {
			return false, err
		}
		r, ok := toRat(n)
		if !ok {
			return false, convertError(list, "Unable to read Integer")
		}
		found = found || hsjson.RoundHalfEven(r).Cmp(want) == 0
	}
	return found, nil
}

// convertError is Ganeti's failure to read a JSON value as the type an
// operator needs.
func convertError(v any, why string) error {
	return gerrors.Generic("Cannot convert value '%s', error: %s", pretty(v), why)
}
