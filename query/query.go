package query

import (
	"context"
	"fmt"
	"slices"
)

// Result is the answer of a Query call: {"fields":[…],"data":[[cell…]…]}.
type Result struct {
	Fields []FieldDefinition `json:"fields"`
	Data   [][]Cell          `json:"data"`
}

// Resource is one kind of item the engine queries (node, instance, job…):
// its fields, how to select its items and how to fetch their live data.
type Resource[T, R any] struct {
	// Table holds the fields.
	Table *Table[T, R]
	// NameField is the field whose equality tests name items: "name",
	// "node" for exports, "id" for jobs.
	NameField string
	// Select returns the items a query runs over, in output order. names
	// are the values of a simple filter on NameField (RequestedNames): nil
	// when the filter is not simple or names nothing. fields are the
	// requested fields. Configuration-backed resources use SelectByName.
	Select func(ctx context.Context, names []Value, fields []string) ([]T, error)
	// Live fetches the live data of the items that passed the first
	// filter pass and hands each (item, data) pair to emit, in order,
	// returning the first error of emit. An item may give several pairs
	// or none. fields are the requested fields followed by the filter's
	// others. Live is called only when one of them is a runtime field;
	// otherwise, or when Live is nil, every item comes with the zero R,
	// which no getter then reads.
	Live func(ctx context.Context, items []T, fields []string, emit func(item T, live R) error) error
}

// Query runs a query: compile the filter, select the items, filter them
// without live data, fetch live data for the rest, filter again with it and
// build a row of the requested fields for each item kept. Unknown requested
// fields give "unknown" definitions and [1,null] cells; unknown filter
// fields fail the query.
func (r *Resource[T, R]) Query(ctx context.Context, fields []string, flt *Filter) (*Result, error) {
	compiled, err := r.Table.Compile(flt)
	if err != nil {
		return nil, err
	}
	selected, defs, live := r.selectFields(fields)
	names, simple := flt.RequestedNames(r.NameField)
	if !simple {
		names = nil
	}
	items, err := r.Select(ctx, names, fields)
	if err != nil {
		return nil, fmt.Errorf("query: selecting items: %w", err)
	}
	kept, err := firstPass(ctx, compiled, items)
	if err != nil {
		return nil, err
	}
	res := &Result{Fields: defs, Data: [][]Cell{}}
	var cells cellSlab
	emit := func(item T, data R) error {
		ok, err := compiled.Match(item, data)
		if ok && err == nil {
			res.Data = append(res.Data, row(cells.take(len(selected)), selected, item, data))
		}
		return err
	}
	if err := r.secondPass(ctx, kept, allFields(fields, flt), live || compiled.NeedsLive(), emit); err != nil {
		return nil, err
	}
	return res, nil
}

// selectFields returns the fields requested (nil for unknown names),
// their definitions, and whether any needs live data.
func (r *Resource[T, R]) selectFields(names []string) ([]*Field[T, R], []FieldDefinition, bool) {
	fields := make([]*Field[T, R], len(names))
	defs := make([]FieldDefinition, len(names))
	live := false
	for i, name := range names {
		f, ok := r.Table.Field(name)
		if !ok {
			defs[i] = UnknownField(name)
			continue
		}
		fields[i], defs[i] = f, f.FieldDefinition
		live = live || f.IsRuntime()
	}
	return fields, defs, live
}

// firstPass keeps the items that pass the filter without live data.
func firstPass[T, R any](ctx context.Context, c *Compiled[T, R], items []T) ([]T, error) {
	kept := make([]T, 0, len(items))
	for _, item := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ok, err := c.MatchConfig(item)
		if err != nil {
			return nil, err
		}
		if ok {
			kept = append(kept, item)
		}
	}
	return kept, nil
}

// secondPass pairs the items with live data, fetched if needed, and hands
// the pairs to emit.
func (r *Resource[T, R]) secondPass(ctx context.Context, items []T, fields []string, needLive bool, emit func(T, R) error) error {
	if needLive && r.Live != nil {
		if err := r.Live(ctx, items, fields, emit); err != nil {
			return fmt.Errorf("query: live data: %w", err)
		}
		return nil
	}
	var none R
	for _, item := range items {
		if err := emit(item, none); err != nil {
			return err
		}
	}
	return nil
}

// row computes the cells of the requested fields for one item into
// cells.
func row[T, R any](cells []Cell, fields []*Field[T, R], item T, data R) []Cell {
	for i, f := range fields {
		if f == nil {
			cells[i] = Status(RSUnknown)
		} else {
			cells[i] = f.cell(item, data)
		}
	}
	return cells
}

// slabRows is how many rows' cells a cellSlab allocates at once.
const slabRows = 256

// cellSlab hands out the cells of rows from arrays of many rows: a query
// builds thousands of rows.
type cellSlab struct{ free []Cell }

// take returns the cells of one row of n fields.
func (s *cellSlab) take(n int) []Cell {
	if n == 0 {
		return []Cell{}
	}
	if len(s.free) < n {
		s.free = make([]Cell, n*slabRows)
	}
	cells := s.free[:n:n]
	s.free = s.free[n:]
	return cells
}

// allFields returns the requested fields followed by the filter's other
// fields, each once.
func allFields(fields []string, flt *Filter) []string {
	all := slices.Clone(fields)
	for _, name := range flt.Fields() {
		if !slices.Contains(all, name) {
			all = append(all, name)
		}
	}
	return all
}

// SelectByName returns the Select of a configuration-backed resource.
// Without string names it returns all(), stably sorted by niceSort of name
// (all should list the configuration map in key order, which breaks ties).
// Otherwise it looks each string name up in order, duplicates kept; a failed
// lookup (an OpPrereqError "… not found") fails the query. Integer names are
// ignored.
func SelectByName[T any](all func() []T, name func(T) string, lookup func(key string) (T, error)) func(context.Context, []Value, []string) ([]T, error) {
	return func(_ context.Context, names []Value, _ []string) ([]T, error) {
		wanted := StringNames(names)
		if len(wanted) == 0 {
			items := all()
			NiceSortFunc(items, name)
			return items, nil
		}
		items := make([]T, len(wanted))
		for i, key := range wanted {
			item, err := lookup(key)
			if err != nil {
				return nil, err
			}
			items[i] = item
		}
		return items, nil
	}
}
