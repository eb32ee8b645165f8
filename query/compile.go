package query

import (
	"errors"

	"github.com/goluxid/goluxid/ganeti/gerrors"
)

// Compiled is a filter bound to the fields of a table, ready to be
// evaluated on items. It is safe for concurrent use.
type Compiled[T, R any] struct {
	filter *Filter
	fields map[*Filter]*Field[T, R] // the field of each leaf
	live   bool                     // some leaf reads a runtime field
}

// Compile binds f to the table's fields. A field the table lacks fails
// with ParameterError "Can't find field named '<f>'" before any item is
// looked at.
func (t *Table[T, R]) Compile(f *Filter) (*Compiled[T, R], error) {
	c := &Compiled[T, R]{filter: f, fields: map[*Filter]*Field[T, R]{}}
	var err error
	f.walk(func(leaf *Filter) {
		field, ok := t.fields[leaf.Field]
		if !ok && err == nil {
			err = gerrors.New(gerrors.ParameterError, "Can't find field named '"+leaf.Field+"'")
		}
		c.fields[leaf] = field
		c.live = c.live || (ok && field.IsRuntime())
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// NeedsLive reports whether the filter reads a runtime field.
func (c *Compiled[T, R]) NeedsLive() bool { return c.live }

// errNeedsLive stops a first-pass evaluation at a runtime field.
var errNeedsLive = errors.New("query: runtime field without live data")

// MatchConfig is the first pass over an item, without live data. Reaching
// a leaf on a runtime field ends the evaluation with a pass: only the
// second pass can decide the item. Errors of leaves reached before fail
// the query.
func (c *Compiled[T, R]) MatchConfig(item T) (bool, error) {
	ok, err := c.filter.Eval(func(leaf *Filter) (bool, error) {
		field := c.fields[leaf]
		if field.IsRuntime() {
			return false, errNeedsLive
		}
		return matchCell(leaf, field.Mode, field.Get(item))
	})
	if errors.Is(err, errNeedsLive) {
		return true, nil
	}
	return ok, err
}

// Match is the full evaluation of an item with its live data.
func (c *Compiled[T, R]) Match(item T, live R) (bool, error) {
	return c.filter.Eval(func(leaf *Filter) (bool, error) {
		field := c.fields[leaf]
		return matchCell(leaf, field.Mode, field.cell(item, live))
	})
}
