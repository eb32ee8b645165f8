package opcodes

import (
	"fmt"
	"sort"

	"github.com/goluxid/goluxid/internal/hsshow"
)

// fieldMode is how a record field treats a missing or null value, after
// the field kinds of Ganeti's Haskell THH.
type fieldMode uint8

const (
	modeRequired fieldMode = iota // must be there; null is read as a value
	modeDefault                   // missing or null: the default
	modeOmit                      // missing or null: unset, not written
	modeNull                      // missing or null: unset, written as null
	modeRest                      // all keys of no other field (AndRestArguments)
)

// field is one key of a JSON record.
type field struct {
	name string
	typ  *typ
	mode fieldMode
	def  value
	// custom replaces typ.read, without the "Can't parse value" context
	// Haskell adds to the standard readers.
	custom func(v *value) (value, error)
}

// record decodes a JSON object into fields in declaration order, as a
// Haskell buildObject/genOpCode decoder does.
type record struct {
	fields  []field
	names   []string        // the fields' keys, sorted
	known   map[string]bool // the fields' keys
	hasRest bool
}

func newRecord(fields []field, hasRest bool) *record {
	r := &record{fields: fields, known: make(map[string]bool, len(fields)), hasRest: hasRest}
	for _, f := range fields {
		if f.mode != modeRest {
			r.names = append(r.names, f.name)
			r.known[f.name] = true
		}
	}
	sort.Strings(r.names)
	return r
}

// load reads every field of obj into out (len(r.fields) values), stopping
// at the first field that does not read.
func (r *record) load(obj *value, out []value) error {
	for i := range r.fields {
		f := &r.fields[i]
		if f.mode == modeRest {
			out[i] = r.rest(obj)
			continue
		}
		v, found := obj.lookup(f.name)
		var err error
		if out[i], err = f.load(obj, v, found); err != nil {
			return err
		}
	}
	return nil
}

// load reads the field's value v (found in obj or not).
func (f *field) load(obj, v *value, found bool) (value, error) {
	switch {
	case !found && f.mode == modeRequired:
		return value{}, missingKey(obj, f.name)
	case (!found || v.kind == kNull) && f.mode == modeDefault:
		return f.def, nil
	case !found || (v.kind == kNull && f.mode != modeRequired):
		return value{}, nil
	case f.custom != nil:
		return f.custom(v)
	}
	out, err := f.typ.read(v)
	if err != nil {
		return value{}, fmt.Errorf("Can't parse value for '%s': %w", f.name, err)
	}
	return out, nil
}

// rest collects the members no field claims, sorted by key, the last of
// duplicates winning (a Data.Map).
func (r *record) rest(obj *value) value {
	var ms []member
	for _, m := range obj.obj {
		if !r.known[m.Key] {
			ms = append(ms, m)
		}
	}
	return value{kind: kObj, obj: sortedLastWins(ms, func(a, b string) bool { return a < b })}
}

// missingKey is Ganeti's message for a missing mandatory key.
func missingKey(obj *value, key string) error {
	return fmt.Errorf("key '%s' not found, object contains only %s", key, hsshow.Strings(obj.keys()))
}

// checkKeys fails if obj has keys outside allowed (sorted), as
// Ganeti's readJSONfromDict does after all fields were read.
func checkKeys(obj *value, allowed []string, known func(string) bool) error {
	var extra []string
	for _, m := range obj.obj {
		if !known(m.Key) {
			extra = append(extra, m.Key)
		}
	}
	if extra == nil {
		return nil
	}
	sort.Strings(extra)
	uniq := extra[:1]
	for _, k := range extra[1:] {
		if k != uniq[len(uniq)-1] {
			uniq = append(uniq, k)
		}
	}
	return fmt.Errorf("Superfluous dictionary keys: %s, but only %s allowed.", hsshow.Strings(uniq), hsshow.Strings(allowed))
}

// readObject reads obj as a record with the superfluous-key check
// (unless the record takes the rest), returning the written object.
func (r *record) readObject(v *value) (value, error) {
	if v.kind != kObj {
		return value{}, errReadObject
	}
	vals := make([]value, len(r.fields))
	if err := r.load(v, vals); err != nil {
		return value{}, err
	}
	if !r.hasRest {
		if err := checkKeys(v, r.names, func(k string) bool { return r.known[k] }); err != nil {
			return value{}, err
		}
	}
	return value{kind: kObj, obj: r.members(vals)}, nil
}

// members lists the fields as written: unset optional fields left out,
// the rest's members last.
func (r *record) members(vals []value) []member {
	out := make([]member, 0, len(vals))
	for i := range r.fields {
		f := &r.fields[i]
		switch {
		case f.mode == modeRest:
			out = append(out, vals[i].obj...)
		case vals[i].kind == kAbsent && f.mode == modeNull:
			out = append(out, member{Key: f.name, Value: nullValue})
		case vals[i].kind != kAbsent:
			out = append(out, member{Key: f.name, Value: vals[i]})
		}
	}
	return out
}
