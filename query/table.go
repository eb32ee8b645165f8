package query

import (
	"fmt"
	"slices"
	"strings"
)

// Field is one field of a resource: its definition, how filters look at
// its value, and its getter. Exactly one of Get and GetLive is set.
type Field[T, R any] struct {
	FieldDefinition
	Mode FilterMode
	// Get computes the cell from the item alone, e.g. from the
	// configuration.
	Get func(item T) Cell
	// GetLive computes the cell from the item and its live data; a field
	// with GetLive is a runtime field: using it makes the query fetch
	// live data.
	GetLive func(item T, live R) Cell
}

// IsRuntime reports whether the field needs live data.
func (f *Field[T, R]) IsRuntime() bool { return f.GetLive != nil }

// cell computes the field's cell; live must be valid for runtime fields.
func (f *Field[T, R]) cell(item T, live R) Cell {
	if f.GetLive != nil {
		return f.GetLive(item, live)
	}
	return f.Get(item)
}

// Table is the set of fields of one resource, for items of type T with
// live data of type R. It is immutable and safe for concurrent use.
type Table[T, R any] struct {
	fields map[string]*Field[T, R]
	sorted []FieldDefinition // all definitions, in QueryFields order
}

// NewTable returns the table of fields. Tables are static program data,
// so a malformed one (duplicate name, not exactly one getter) panics.
func NewTable[T, R any](fields ...Field[T, R]) *Table[T, R] {
	t := &Table[T, R]{fields: make(map[string]*Field[T, R], len(fields))}
	for i := range fields {
		f := &fields[i]
		if err := checkField(f, t.fields); err != nil {
			panic(err)
		}
		t.fields[f.Name] = f
		t.sorted = append(t.sorted, f.FieldDefinition)
	}
	// Ganeti sorts the name-ordered map; ties such as "a01"/"a1" keep it.
	slices.SortFunc(t.sorted, func(a, b FieldDefinition) int { return strings.Compare(a.Name, b.Name) })
	NiceSortFunc(t.sorted, func(d FieldDefinition) string { return d.Name })
	return t
}

// checkField rejects a field that cannot join the table.
func checkField[T, R any](f *Field[T, R], have map[string]*Field[T, R]) error {
	switch {
	case f.Name == "":
		return fmt.Errorf("query: field without a name")
	case have[f.Name] != nil:
		return fmt.Errorf("query: field %q defined twice", f.Name)
	case (f.Get == nil) == (f.GetLive == nil):
		return fmt.Errorf("query: field %q needs exactly one of Get and GetLive", f.Name)
	}
	return nil
}

// Field returns the field called name.
func (t *Table[T, R]) Field(name string) (*Field[T, R], bool) {
	f, ok := t.fields[name]
	return f, ok
}

// Definitions answers QueryFields: for no names every definition, sorted
// by niceSort of the name; otherwise one definition per name in order,
// UnknownField for names the table lacks.
func (t *Table[T, R]) Definitions(names []string) []FieldDefinition {
	if len(names) == 0 {
		return slices.Clone(t.sorted)
	}
	defs := make([]FieldDefinition, len(names))
	for i, name := range names {
		if f, ok := t.fields[name]; ok {
			defs[i] = f.FieldDefinition
		} else {
			defs[i] = UnknownField(name)
		}
	}
	return defs
}

// FieldsResult is the answer of QueryFields: {"fields":[…]}.
type FieldsResult struct {
	Fields []FieldDefinition `json:"fields"`
}

// QueryFields returns the QueryFields answer for names (nil for all).
func (t *Table[T, R]) QueryFields(names []string) FieldsResult {
	return FieldsResult{Fields: t.Definitions(names)}
}
