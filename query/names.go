package query

// RequestedNames finds the names a filter asks for on the resource's name
// field. A filter is simple if it is empty, an equality on nameField, or an
// | of simple filters; for a simple filter names are the compared values in
// filter order, duplicates kept. Anything else (&, !, "!=", other operators
// or fields) is not simple: simple is false.
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
