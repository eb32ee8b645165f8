package query

// ResultStatus tells whether a result cell has a value and, if not, why.
type ResultStatus int

// The statuses of Ganeti's query results (constants RS_*).
const (
	RSNormal  ResultStatus = 0 // the value is there
	RSUnknown ResultStatus = 1 // the field is unknown
	RSNoData  ResultStatus = 2 // no data, e.g. the RPC failed
	RSUnavail ResultStatus = 3 // not available or not applicable for this item
	RSOffline ResultStatus = 4 // the node holding the data is offline
)

// Kind is the type of a field as QueryFields reports it.
type Kind string

// The field kinds (constants QFT_*).
const (
	KindUnknown   Kind = "unknown"
	KindText      Kind = "text"
	KindBool      Kind = "bool"
	KindNumber    Kind = "number"
	KindFloat     Kind = "float"
	KindUnit      Kind = "unit" // a size in MiB
	KindTimestamp Kind = "timestamp"
	KindOther     Kind = "other"
)

// FieldDefinition describes a field; it is encoded as
// {"name","title","kind","doc"} in that order.
type FieldDefinition struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Kind  Kind   `json:"kind"`
	Doc   string `json:"doc"`
}

// UnknownField is the definition reported for a requested field name the
// resource does not have.
func UnknownField(name string) FieldDefinition {
	return FieldDefinition{Name: name, Title: name, Kind: KindUnknown, Doc: "Unknown field '" + name + "'"}
}

// FilterMode says how filters look at a field's value.
type FilterMode uint8

const (
	// ModeNormal compares the value as it is.
	ModeNormal FilterMode = iota
	// ModeHostname makes == accept a value equal to the filter's or
	// starting with it and a dot: "node1" matches "node1.example.com".
	ModeHostname
	// ModeTimestamp makes every operator look at the seconds of a
	// [seconds, microseconds] value.
	ModeTimestamp
)

// Cell is one entry of a result row, encoded as [status, value].
type Cell struct {
	Status ResultStatus
	// Value is the field's value when Status is RSNormal (it may then be
	// nil, a JSON null); it is ignored otherwise.
	Value any
}

// Normal returns the cell holding v.
func Normal(v any) Cell { return Cell{Status: RSNormal, Value: v} }

// Status returns the valueless cell of a status other than RSNormal.
func Status(s ResultStatus) Cell { return Cell{Status: s} }

// Plain returns the cell's value as classic queries show it: nil unless
// the status is RSNormal.
func (c Cell) Plain() any {
	if c.Status != RSNormal {
		return nil
	}
	return c.Value
}
