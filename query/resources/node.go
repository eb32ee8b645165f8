package resources

import (
	"context"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/query"
)

// The node resource: Ganeti's 46 node fields, the live ones
// fetched with node_info (node_live.go).

func init() {
	register("node", func(env Env) (Queryable, error) { return nodeResource{env: env}, nil })
}

// nodeResource answers node queries over one environment.
type nodeResource struct {
	env Env
}

// nodeField is a field of the node table.
type nodeField = query.Field[*objects.Node, nodeLive]

// nodeDefinitions is the node table without a configuration, for
// QueryFields.
var nodeDefinitions = nodeTableOf(nil)

// Query runs a Query over the nodes.
func (r nodeResource) Query(ctx context.Context, fields []string, flt *query.Filter) (*query.Result, error) {
	if r.env.Config == nil {
		return nil, errNodeNoConfig
	}
	s := nodeSnapshotOf(r.env.Config)
	s.buildNodes()
	res := &query.Resource[*objects.Node, nodeLive]{
		Table:     s.tables().nodeTable,
		NameField: "name",
		Select: func(_ context.Context, names []query.Value, _ []string) ([]*objects.Node, error) {
			return s.nodes.selectItems(names)
		},
		Live: func(ctx context.Context, nodes []*objects.Node, fields []string, emit func(*objects.Node, nodeLive) error) error {
			return nodeLiveData(ctx, r.env.RPC, s, nodes, fields, emit)
		},
	}
	return res.Query(ctx, fields, flt)
}

// QueryFields answers QueryFields over the node fields.
func (nodeResource) QueryFields(names []string) query.FieldsResult {
	return nodeDefinitions.QueryFields(names)
}

// ClassicFields are the fields QueryNodes matches names against.
func (nodeResource) ClassicFields() []string { return []string{"name", "uuid"} }

// tables builds the field tables of the snapshot's configuration.
func (s *nodeSnapshot) tables() *nodeSnapshot {
	s.tablesOnce.Do(func() {
		s.nodeTable = nodeTableOf(s)
		s.groupTable = groupTableOf(s)
		s.netTable = networkTableOf(s)
	})
	return s
}

// nodeTableOf returns the node fields over snapshot s (nil: definitions
// only, the getters must not run).
func nodeTableOf(s *nodeSnapshot) *query.Table[*objects.Node, nodeLive] {
	conf := nodeConfField[*objects.Node, nodeLive]
	fields := []nodeField{
		conf("drained", "Drained", query.KindBool, "Whether node is drained",
			func(n *objects.Node) query.Cell { return query.Normal(n.Drained) }),
		conf("master_candidate", "MasterC", query.KindBool, "Whether node is a master candidate",
			func(n *objects.Node) query.Cell { return query.Normal(n.MasterCandidate) }),
		conf("master_capable", "MasterCapable", query.KindBool, "Whether node can become a master candidate",
			func(n *objects.Node) query.Cell { return query.Normal(n.MasterCapable) }),
		conf("offline", "Offline", query.KindBool, "Whether node is marked offline",
			func(n *objects.Node) query.Cell { return query.Normal(n.Offline) }),
		conf("vm_capable", "VMCapable", query.KindBool, "Whether node can host instances",
			func(n *objects.Node) query.Cell { return query.Normal(n.VMCapable) }),
		conf("pip", "PrimaryIP", query.KindText, "Primary IP address",
			func(n *objects.Node) query.Cell { return query.Normal(n.PrimaryIP) }),
		conf("sip", "SecondaryIP", query.KindText, "Secondary IP address",
			func(n *objects.Node) query.Cell { return query.Normal(n.SecondaryIP) }),
		conf("master", "IsMaster", query.KindBool, "Whether node is master",
			func(n *objects.Node) query.Cell { return query.Normal(n.UUID == s.cfg.Cluster.MasterNode) }),
		conf("group", "Group", query.KindText, "Node group", s.nodeGroupName),
		conf("group.uuid", "GroupUUID", query.KindText, "UUID of node group",
			func(n *objects.Node) query.Cell { return query.Normal(n.Group) }),
		conf("ndparams", "NodeParameters", query.KindOther, "Merged node parameters",
			func(n *objects.Node) query.Cell {
				nd, ok := s.nodeND(n)
				if !ok {
					return query.Status(query.RSNoData)
				}
				return query.Normal(objects.EncodeNDParams(nd))
			}),
		conf("custom_ndparams", "CustomNodeParameters", query.KindOther, "Custom node parameters",
			func(n *objects.Node) query.Cell { return query.Normal(objects.EncodePartialNDParams(n.NDParams)) }),
		conf("pinst_cnt", "Pinst", query.KindNumber, "Number of instances with this node as primary",
			func(n *objects.Node) query.Cell { return query.Normal(len(s.instancesOf(n, false))) }),
		conf("sinst_cnt", "Sinst", query.KindNumber, "Number of instances with this node as secondary",
			func(n *objects.Node) query.Cell { return query.Normal(len(s.instancesOf(n, true))) }),
		conf("pinst_list", "PriInstances", query.KindOther, "List of instances with this node as primary",
			func(n *objects.Node) query.Cell { return query.Normal(s.instanceNamesOf(n, false)) }),
		conf("sinst_list", "SecInstances", query.KindOther, "List of instances with this node as secondary",
			func(n *objects.Node) query.Cell { return query.Normal(s.instanceNamesOf(n, true)) }),
		conf("role", "Role", query.KindText, `Node role; "M" for master, "C" for master candidate, `+
			`"R" for regular, "D" for drained, "O" for offline`,
			func(n *objects.Node) query.Cell { return query.Normal(s.nodeRole(n)) }),
		conf("powered", "Powered", query.KindBool, "Whether node is thought to be powered on", s.nodePowered),
		// Declared by Ganeti for parity with Python, never implemented.
		conf("hv_state", "HypervisorState", query.KindOther, "Hypervisor state",
			func(*objects.Node) query.Cell { return query.Status(query.RSUnavail) }),
		conf("disk_state", "DiskState", query.KindOther, "Disk state",
			func(*objects.Node) query.Cell { return query.Status(query.RSUnavail) }),
	}
	name := conf("name", "Node", query.KindText, "Node name",
		func(n *objects.Node) query.Cell { return query.Normal(n.Name) })
	name.Mode = query.ModeHostname
	fields = append(fields, name)
	fields = append(fields, nodeLiveFields()...)
	fields = append(fields, nodeNDParamFields[*objects.Node, nodeLive](s.nodeND)...)
	fields = append(fields, nodeObjectFields[*objects.Node, nodeLive]("Node", func(n *objects.Node) nodeObject {
		return nodeObject{ctime: n.CTime, mtime: n.MTime, uuid: n.UUID, serial: n.Serial, tags: n.Tags}
	})...)
	return query.NewTable(fields...)
}

// instancesOf returns the node's primary or secondary instances.
func (s *nodeSnapshot) instancesOf(n *objects.Node, secondary bool) []*objects.Instance {
	s.buildInstances()
	if secondary {
		return s.secondary[n.UUID]
	}
	return s.primary[n.UUID]
}

// instanceNamesOf returns the niceSorted names of the node's primary or
// secondary instances.
func (s *nodeSnapshot) instanceNamesOf(n *objects.Node, secondary bool) []string {
	s.buildInstances()
	if secondary {
		return nodeList(s.secondaryNames[n.UUID])
	}
	return nodeList(s.primaryNames[n.UUID])
}

// nodeList returns names, never nil (an empty list, not null).
func nodeList(names []string) []string {
	if names == nil {
		return []string{}
	}
	return names
}

// nodeGroupName is the name of the node's group, no data when the group
// is missing.
func (s *nodeSnapshot) nodeGroupName(n *objects.Node) query.Cell {
	g, ok := s.cfg.NodeGroups[n.Group]
	if !ok {
		return query.Status(query.RSNoData)
	}
	return query.Normal(g.Name)
}

// nodeRole is the node's role letter.
func (s *nodeSnapshot) nodeRole(n *objects.Node) string {
	switch {
	case n.UUID == s.cfg.Cluster.MasterNode:
		return "M"
	case n.MasterCandidate:
		return "C"
	case n.Drained:
		return "D"
	case n.Offline:
		return "O"
	}
	return "R"
}

// nodePowered is the node's powered flag, unavailable without an
// out-of-band program.
func (s *nodeSnapshot) nodePowered(n *objects.Node) query.Cell {
	nd, ok := s.nodeND(n)
	switch {
	case !ok:
		return query.Status(query.RSNoData)
	case nd.OOBProgram == "":
		return query.Status(query.RSUnavail)
	}
	return query.Normal(n.Powered)
}
