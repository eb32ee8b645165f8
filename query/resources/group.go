package resources

import (
	"context"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/query"
)

// The node group resource: Ganeti's 25 group fields, all from the
// configuration.

func init() {
	register("group", func(env Env) (Queryable, error) { return groupResource{env: env}, nil })
}

// groupResource answers group queries over one environment.
type groupResource struct {
	env Env
}

// groupField is a field of the group table.
type groupField = query.Field[*objects.NodeGroup, struct{}]

// groupDefinitions is the group table without a configuration, for
// QueryFields.
var groupDefinitions = groupTableOf(nil)

// Query runs a Query over the groups.
func (r groupResource) Query(ctx context.Context, fields []string, flt *query.Filter) (*query.Result, error) {
	if r.env.Config == nil {
		return nil, errNodeNoConfig
	}
	s := nodeSnapshotOf(r.env.Config)
	s.buildGroups()
	res := &query.Resource[*objects.NodeGroup, struct{}]{
		Table:     s.tables().groupTable,
		NameField: "name",
		Select: func(_ context.Context, names []query.Value, _ []string) ([]*objects.NodeGroup, error) {
			return s.groups.selectItems(names)
		},
	}
	return res.Query(ctx, fields, flt)
}

// QueryFields answers QueryFields over the group fields.
func (groupResource) QueryFields(names []string) query.FieldsResult {
	return groupDefinitions.QueryFields(names)
}

// ClassicFields are the fields QueryGroups matches names against.
func (groupResource) ClassicFields() []string { return []string{"name", "uuid"} }

// groupTableOf returns the group fields over snapshot s (nil: definitions
// only, the getters must not run).
func groupTableOf(s *nodeSnapshot) *query.Table[*objects.NodeGroup, struct{}] {
	conf := nodeConfField[*objects.NodeGroup, struct{}]
	fields := []groupField{
		conf("alloc_policy", "AllocPolicy", query.KindText, "Allocation policy for group",
			func(g *objects.NodeGroup) query.Cell { return query.Normal(g.AllocPolicy) }),
		conf("custom_diskparams", "CustomDiskParameters", query.KindOther, "Custom disk parameters",
			func(g *objects.NodeGroup) query.Cell { return query.Normal(objects.EncodeParamsMap(g.DiskParams)) }),
		conf("custom_ipolicy", "CustomInstancePolicy", query.KindOther, "Custom instance policy limitations",
			func(g *objects.NodeGroup) query.Cell { return query.Normal(objects.EncodePartialIPolicy(g.IPolicy)) }),
		conf("custom_ndparams", "CustomNDParams", query.KindOther, "Custom node parameters",
			func(g *objects.NodeGroup) query.Cell { return query.Normal(objects.EncodePartialNDParams(g.NDParams)) }),
		conf("diskparams", "DiskParameters", query.KindOther, "Disk parameters (merged)",
			func(g *objects.NodeGroup) query.Cell {
				return query.Normal(objects.EncodeParamsMap(s.cfg.GroupDiskParams(g)))
			}),
		conf("ipolicy", "InstancePolicy", query.KindOther, "Instance policy limitations (merged)",
			func(g *objects.NodeGroup) query.Cell {
				return query.Normal(objects.EncodeIPolicy(s.cfg.GroupIPolicy(g)))
			}),
		conf("name", "Group", query.KindText, "Group name",
			func(g *objects.NodeGroup) query.Cell { return query.Normal(g.Name) }),
		conf("ndparams", "NDParams", query.KindOther, "Node parameters",
			func(g *objects.NodeGroup) query.Cell {
				nd, _ := s.groupND(g)
				return query.Normal(objects.EncodeNDParams(nd))
			}),
		conf("node_cnt", "Nodes", query.KindNumber, "Number of nodes",
			func(g *objects.NodeGroup) query.Cell { return query.Normal(len(s.groupNodes[g.UUID])) }),
		conf("node_list", "NodeList", query.KindOther, "List of nodes", s.groupNodeNames),
		conf("pinst_cnt", "Instances", query.KindNumber, "Number of primary instances",
			func(g *objects.NodeGroup) query.Cell { return query.Normal(s.groupInstCount[g.UUID]) }),
		conf("pinst_list", "InstanceList", query.KindOther, "List of primary instances",
			func(g *objects.NodeGroup) query.Cell { return query.Normal(nodeList(s.groupInstNames[g.UUID])) }),
	}
	fields = append(fields, nodeNDParamFields[*objects.NodeGroup, struct{}](s.groupND)...)
	fields = append(fields, nodeObjectFields[*objects.NodeGroup, struct{}]("Group", func(g *objects.NodeGroup) nodeObject {
		return nodeObject{ctime: g.CTime, mtime: g.MTime, uuid: g.UUID, serial: g.Serial, tags: g.Tags}
	})...)
	return query.NewTable(fields...)
}

// groupND returns the group's filled node parameters (cluster ← group).
func (s *nodeSnapshot) groupND(g *objects.NodeGroup) (objects.FilledNDParams, bool) {
	s.buildNodes()
	return s.groupParams[g.UUID], true
}

// groupNodeNames lists the names of the group's nodes in node uuid
// order, as Ganeti does (not sorted by name).
func (s *nodeSnapshot) groupNodeNames(g *objects.NodeGroup) query.Cell {
	nodes := s.groupNodes[g.UUID]
	names := make([]string, len(nodes))
	for i, n := range nodes {
		names[i] = n.Name
	}
	return query.Normal(names)
}
