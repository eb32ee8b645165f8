package resources

import (
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/query"
)

// Fields shared by nodes, groups and networks: the config object's
// timestamps, uuid, serial number and tags, and the node parameters.

// nodeConfField is a field computed from the item alone.
func nodeConfField[T, R any](name, title string, kind query.Kind, doc string, get func(T) query.Cell) query.Field[T, R] {
	return query.Field[T, R]{
		FieldDefinition: query.FieldDefinition{Name: name, Title: title, Kind: kind, Doc: doc},
		Get:             get,
	}
}

// nodeObject is what the common fields read of a config object.
type nodeObject struct {
	ctime, mtime objects.Timestamp
	uuid         string
	serial       int
	tags         []string
}

// nodeObjectFields are the ctime, mtime, uuid, serial_no and tags fields
// of objects of kind ("Node", "Group", "Network").
func nodeObjectFields[T, R any](kind string, obj func(T) nodeObject) []query.Field[T, R] {
	return []query.Field[T, R]{
		nodeConfField[T, R]("ctime", "CTime", query.KindTimestamp, "Creation timestamp",
			func(item T) query.Cell { return query.Normal(objects.EncodeTimestamp(obj(item).ctime)) }),
		nodeConfField[T, R]("mtime", "MTime", query.KindTimestamp, "Modification timestamp",
			func(item T) query.Cell { return query.Normal(objects.EncodeTimestamp(obj(item).mtime)) }),
		nodeConfField[T, R]("uuid", "UUID", query.KindText, kind+" UUID",
			func(item T) query.Cell { return query.Normal(obj(item).uuid) }),
		nodeConfField[T, R]("serial_no", "SerialNo", query.KindNumber,
			kind+" object serial number, incremented on each modification",
			func(item T) query.Cell { return query.Normal(obj(item).serial) }),
		nodeConfField[T, R]("tags", "Tags", query.KindOther, "Tags",
			func(item T) query.Cell { return query.Normal(objects.EncodeTags(obj(item).tags)) }),
	}
}

// nodeNDParam is one node parameter as an "ndp/<name>" field shows it.
type nodeNDParam struct {
	name, title string
	kind        query.Kind
	get         func(objects.FilledNDParams) any
}

// nodeNDParams are the node parameters (Ganeti's NDS_PARAMETER_TYPES,
// titles from NDS_PARAMETER_TITLES, or the field name without one).
var nodeNDParams = []nodeNDParam{
	{"cpu_speed", "ndp/cpu_speed", query.KindFloat, func(p objects.FilledNDParams) any { return objects.Double(p.CPUSpeed) }},
	{"exclusive_storage", "ExclusiveStorage", query.KindBool, func(p objects.FilledNDParams) any { return p.ExclusiveStorage }},
	{"oob_program", "OutOfBandProgram", query.KindOther, func(p objects.FilledNDParams) any { return p.OOBProgram }},
	{"ovs", "OpenvSwitch", query.KindBool, func(p objects.FilledNDParams) any { return p.OVS }},
	{"ovs_link", "OpenvSwitchLink", query.KindOther, func(p objects.FilledNDParams) any { return p.OVSLink }},
	{"ovs_name", "OpenvSwitchName", query.KindOther, func(p objects.FilledNDParams) any { return p.OVSName }},
	{"spindle_count", "SpindleCount", query.KindNumber, func(p objects.FilledNDParams) any { return p.SpindleCount }},
	{"ssh_port", "ndp/ssh_port", query.KindNumber, func(p objects.FilledNDParams) any { return p.SSHPort }},
}

// nodeNDParamFields are the "ndp/<name>" fields over an item's filled
// node parameters; an item without them (a node of a missing group) has
// no data.
func nodeNDParamFields[T, R any](params func(T) (objects.FilledNDParams, bool)) []query.Field[T, R] {
	fields := make([]query.Field[T, R], len(nodeNDParams))
	for i, p := range nodeNDParams {
		fields[i] = nodeConfField[T, R]("ndp/"+p.name, p.title, p.kind, `The "`+p.name+`" node parameter`,
			func(item T) query.Cell {
				nd, ok := params(item)
				if !ok {
					return query.Status(query.RSNoData)
				}
				return query.Normal(p.get(nd))
			})
	}
	return fields
}

// nodeOptional is the cell of an optional value: unavailable when unset.
func nodeOptional(s *string) query.Cell {
	if s == nil {
		return query.Status(query.RSUnavail)
	}
	return query.Normal(*s)
}
