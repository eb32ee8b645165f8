package query

import (
	"strings"

	"github.com/goluxid/goluxid/ganeti/gerrors"
)

// The classic query calls (QueryNodes, QueryJobs…) run a Query with a
// filter built from their name list and answer plain values.

// ClassicFilter returns the filter of a classic query over names:
// ["|", simple(f1), simple(f2), …] for the nameFields fi, where simple(f)
// is the empty filter without names and ["|", ["==", f, n1], …] otherwise.
func ClassicFilter(names []Value, nameFields ...string) *Filter {
	parts := make([]*Filter, len(nameFields))
	for i, field := range nameFields {
		if len(names) == 0 {
			continue // the empty filter
		}
		eqs := make([]*Filter, len(names))
		for j, n := range names {
			eqs[j] = Equal(field, n)
		}
		parts[i] = Or(eqs...)
	}
	return Or(parts...)
}

// CheckNoLock fails a classic query asking for locking, which luxid never
// does.
func CheckNoLock(lock bool) error {
	if lock {
		return gerrors.OpPrereq("Sync queries are not allowed", gerrors.CodeInval)
	}
	return nil
}

// Compat converts a Query result into the rows of a classic query: plain
// values, nil for cells without one. Unknown requested fields fail with
// OpPrereqError "Unknown output fields selected: a, b".
func Compat(r *Result) ([][]any, error) {
	var unknown []string
	for _, d := range r.Fields {
		if d.Kind == KindUnknown {
			unknown = append(unknown, d.Name)
		}
	}
	if len(unknown) > 0 {
		return nil, gerrors.OpPrereq("Unknown output fields selected: "+strings.Join(unknown, ", "), gerrors.CodeInval)
	}
	rows := make([][]any, len(r.Data))
	// One array holds every row's values: queries answer thousands of rows.
	values := make([]any, 0, len(r.Data)*len(r.Fields))
	for i, cells := range r.Data {
		start := len(values)
		for _, c := range cells {
			values = append(values, c.Plain())
		}
		rows[i] = values[start:len(values):len(values)]
	}
	return rows, nil
}
