package opcodes

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/goluxid/goluxid/internal/hsshow"
)

// Text.JSON's messages for a value of the wrong JSON type.
var (
	errReadBool    = errors.New("Unable to read Bool")
	errReadInt     = errors.New("Unable to read Int")
	errReadInteger = errors.New("Unable to read Integer")
	errReadDouble  = errors.New("Unable to read Double")
	errReadString  = errors.New("Unable to read String")
	errReadChar    = errors.New("Unable to read Char")
	errReadList    = errors.New("Unable to read list")
	errReadSet     = errors.New("readJSON{Set}: unable to parse array value")
	errReadObject  = errors.New("Unable to read JSObject")
	errReadUnit    = errors.New("Unable to read ()")
	errNonEmpty    = errors.New("Received empty value for non-empty list")
)

// read decodes v as luxid's Haskell decoder reads a value of type t, and
// returns the value as luxid writes it back.
func (t *typ) read(v *value) (value, error) {
	switch t.kind {
	case tAny:
		return *v, nil
	case tUnit:
		if v.kind != kArr || len(v.arr) != 0 {
			return value{}, errReadUnit
		}
		return *v, nil
	case tBool:
		if v.kind != kBool {
			return value{}, errReadBool
		}
		return *v, nil
	case tInt:
		if v.kind == kNum && v.canon && len(v.s) < 19 {
			return *v, nil // an int64 literal: read and written the same
		}
		n, err := readInt(v)
		return intValue(n), err
	case tDouble:
		if v.kind != kNum {
			return value{}, errReadDouble
		}
		return canonNum(doubleText(readDouble(v.s))), nil
	case tString, tNonEmpty:
		return t.readString(v)
	case tNonNeg, tPositive:
		return t.readBounded(v)
	case tEnum:
		return t.enum.read(v)
	}
	return t.readComposite(v)
}

func (t *typ) readComposite(v *value) (value, error) {
	switch t.kind {
	case tList:
		return readList(v, t.elems[0])
	case tSet:
		return t.readSet(v)
	case tContainer:
		return t.readContainer(v)
	case tObject:
		return t.readObject(v)
	case tTuple:
		return readTuple(v, t.elems)
	case tOr:
		return t.readOr(v)
	case tMaybe:
		if v.kind == kNull {
			return nullValue, nil
		}
		return t.elems[0].read(v)
	}
	return t.readSpecial(v)
}

// readInt reads an Int: any number, rounded.
func readInt(v *value) (int64, error) {
	if v.kind != kNum {
		return 0, errReadInt
	}
	return roundInt(v.s), nil
}

// readString reads a Haskell String. Text.JSON also takes a list of
// one-character strings as a String.
func readString(v *value) (string, error) {
	switch v.kind {
	case kStr:
		return v.s, nil
	case kArr:
		var b []byte
		for i := range v.arr {
			c := &v.arr[i]
			if c.kind != kStr || utf8.RuneCountInString(c.s) != 1 {
				return "", errReadChar
			}
			b = append(b, c.s...)
		}
		return string(b), nil
	}
	return "", errReadString
}

func (t *typ) readString(v *value) (value, error) {
	if v.kind == kStr && (t.kind == tString || v.s != "") {
		return *v, nil
	}
	s, err := readString(v)
	if err != nil {
		return value{}, err
	}
	if t.kind == tNonEmpty && s == "" {
		return value{}, errNonEmpty
	}
	return strValue(s), nil
}

func (t *typ) readBounded(v *value) (value, error) {
	if v.kind == kNum && v.canon && len(v.s) < 19 && v.s[0] != '-' && (t.kind == tNonNeg || v.s != "0") {
		return *v, nil
	}
	n, err := readInt(v)
	switch {
	case err != nil:
		return value{}, err
	case t.kind == tNonNeg && n < 0:
		return value{}, fmt.Errorf("Invalid value for non-negative type '%s'", hsshow.Int(n))
	case t.kind == tPositive && n <= 0:
		return value{}, fmt.Errorf("Invalid value for positive type '%s'", hsshow.Int(n))
	}
	return intValue(n), nil
}

// read decodes a value of the enumeration, as the generated Haskell
// readJSON does: a String first, then one of the values.
func (e *enum) read(v *value) (value, error) {
	s, err := readString(v)
	if err != nil {
		return value{}, fmt.Errorf("Can't parse value for '%s': %w", e.name, err)
	}
	if _, ok := e.index[s]; !ok {
		return value{}, fmt.Errorf("Invalid string value for type %s: %s", e.name, hsshow.String(s))
	}
	if v.kind == kStr {
		return *v, nil
	}
	return strValue(s), nil
}

// readList reads a list, failing on the first element that does not read.
// The list is copied only if an element is written differently.
func readList(v *value, elem *typ) (value, error) {
	if v.kind != kArr {
		return value{}, errReadList
	}
	var out []value
	for i := range v.arr {
		item, err := elem.read(&v.arr[i])
		if err != nil {
			return value{}, err
		}
		if out == nil && !unchanged(&v.arr[i], &item) {
			out = make([]value, len(v.arr))
			copy(out, v.arr[:i])
		}
		if out != nil {
			out[i] = item
		}
	}
	if out == nil {
		return *v, nil
	}
	return arrValue(out), nil
}

// unchanged reports whether a read left a value as it was.
func unchanged(in, out *value) bool {
	return in.kind == out.kind && in.canon == out.canon && in.b == out.b && in.s == out.s &&
		len(in.arr) == len(out.arr) && len(in.obj) == len(out.obj) &&
		(len(in.arr) == 0 || &in.arr[0] == &out.arr[0]) &&
		(len(in.obj) == 0 || &in.obj[0] == &out.obj[0])
}

// readSet reads a Data.Set: written back sorted, without duplicates.
func (t *typ) readSet(v *value) (value, error) {
	if v.kind != kArr {
		return value{}, errReadSet
	}
	list, err := readList(v, t.elems[0])
	if err != nil {
		return value{}, err
	}
	items := list.arr
	less := t.elems[0].lessFunc()
	sort.SliceStable(items, func(i, j int) bool { return less(&items[i], &items[j]) })
	out := items[:0]
	for i := range items {
		if i == 0 || less(&out[len(out)-1], &items[i]) {
			out = append(out, items[i])
		}
	}
	return arrValue(out), nil
}

// lessFunc orders values of t as Haskell's Ord does: enumerations by
// constructor, strings by code point, numbers by value, anything else by
// its JSON text.
func (t *typ) lessFunc() func(a, b *value) bool {
	switch t.kind {
	case tEnum:
		return func(a, b *value) bool { return t.enum.index[a.s] < t.enum.index[b.s] }
	case tString, tNonEmpty:
		return func(a, b *value) bool { return a.s < b.s }
	case tInt, tNonNeg, tPositive, tDiskIndex:
		return func(a, b *value) bool { return roundInt(a.s) < roundInt(b.s) }
	}
	return func(a, b *value) bool {
		return bytes.Compare(appendValue(nil, a), appendValue(nil, b)) < 0
	}
}

// readContainer reads a GenericContainer: an object whose keys are read
// as the key type; duplicates keep the last value, and the members are
// written sorted by key.
func (t *typ) readContainer(v *value) (value, error) {
	if v.kind != kObj {
		return value{}, fmt.Errorf("Failed to load container, expected object but got %s", ppValue(v))
	}
	keyType, valType := t.elems[0], t.elems[1]
	out := make([]member, 0, len(v.obj))
	for i := range v.obj {
		m := &v.obj[i]
		if keyType.kind == tEnum {
			if _, ok := keyType.enum.index[m.Key]; !ok {
				return value{}, fmt.Errorf("Invalid string value for type %s: %s", keyType.enum.name, hsshow.String(m.Key))
			}
		}
		val, err := valType.read(&m.Value)
		if err != nil {
			return value{}, fmt.Errorf("key '%s': %w", m.Key, err)
		}
		out = append(out, member{Key: m.Key, Value: val})
	}
	less := func(a, b string) bool { return a < b }
	if keyType.kind == tEnum {
		less = func(a, b string) bool { return keyType.enum.index[a] < keyType.enum.index[b] }
	}
	return value{kind: kObj, obj: sortedLastWins(out, less)}, nil
}

// sortedLastWins sorts members by key, keeping the last of equal keys.
func sortedLastWins(ms []member, less func(a, b string) bool) []member {
	sort.SliceStable(ms, func(i, j int) bool { return less(ms[i].Key, ms[j].Key) })
	out := ms[:0]
	for i := range ms {
		if i+1 < len(ms) && !less(ms[i].Key, ms[i+1].Key) {
			continue // a later member has the same key
		}
		out = append(out, ms[i])
	}
	return out
}

// readObject reads a JSObject: members in order, duplicates kept.
func (t *typ) readObject(v *value) (value, error) {
	if v.kind != kObj {
		return value{}, errReadObject
	}
	elem := t.elems[0]
	if elem.kind == tAny {
		return *v, nil
	}
	out := make([]member, len(v.obj))
	for i := range v.obj {
		val, err := elem.read(&v.obj[i].Value)
		if err != nil {
			return value{}, err
		}
		out[i] = member{Key: v.obj[i].Key, Value: val}
	}
	return value{kind: kObj, obj: out}, nil
}

// tupleErrors are Text.JSON's messages for tuples of each size.
var tupleErrors = map[int]error{
	2: errors.New("Unable to read Pair"),
	3: errors.New("Unable to read Triple"),
	4: errors.New("Unable to read 4 tuple"),
}

// readTuple reads a tuple: an array of exactly len(elems) values.
func readTuple(v *value, elems []*typ) (value, error) {
	if v.kind != kArr || len(v.arr) != len(elems) {
		if err, ok := tupleErrors[len(elems)]; ok {
			return value{}, err
		}
		return value{}, fmt.Errorf("Unable to read %d tuple", len(elems))
	}
	out := make([]value, len(elems))
	for i, e := range elems {
		var err error
		if out[i], err = e.read(&v.arr[i]); err != nil {
			return value{}, err
		}
	}
	return arrValue(out), nil
}

// readOr returns the first alternative that reads, else the last error
// (Haskell's mplus on Result).
func (t *typ) readOr(v *value) (value, error) {
	var err error
	for _, alt := range t.elems {
		var out value
		if out, err = alt.read(v); err == nil {
			return out, nil
		}
	}
	return value{}, err
}
