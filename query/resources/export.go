package resources

import (
	"context"
	"encoding/json"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/query"
)

// The export resource: one row per (node, export) pair from the nodes'
// export_list answers. A node without exports gives no row; a node that
// fails gives one row whose export cell has the failure's status (4 for
// an offline node, 2 otherwise).

func init() {
	register("export", func(env Env) (Queryable, error) { return exportResource{env: env}, nil })
}

// exportResource answers export queries over one environment.
type exportResource struct {
	env Env
}

// exportField is a field of the export table; the live data of a row is
// its export cell.
type exportField = query.Field[*objects.Node, query.Cell]

// exportTable holds the two export fields. Both are runtime fields in
// Ganeti, "node" too, so that any filter waits for the nodes' answers.
var exportTable = query.NewTable(
	exportField{
		FieldDefinition: query.FieldDefinition{Name: "node", Title: "Node", Kind: query.KindText, Doc: "Node name"},
		Mode:            query.ModeHostname,
		GetLive:         func(n *objects.Node, _ query.Cell) query.Cell { return query.Normal(n.Name) },
	},
	exportField{
		FieldDefinition: query.FieldDefinition{Name: "export", Title: "Export", Kind: query.KindText, Doc: "Export name"},
		GetLive:         func(_ *objects.Node, c query.Cell) query.Cell { return c },
	},
)

// Query runs a Query over the nodes' exports. A simple filter on "node"
// selects the nodes (by uuid or abbreviated name, duplicates kept);
// otherwise every node is asked, in niceSort order.
func (r exportResource) Query(ctx context.Context, fields []string, flt *query.Filter) (*query.Result, error) {
	ix := instIndexFor(r.env.Config)
	res := &query.Resource[*objects.Node, query.Cell]{
		Table:     exportTable,
		NameField: "node",
		Select: func(_ context.Context, names []query.Value, _ []string) ([]*objects.Node, error) {
			wanted := query.StringNames(names)
			if len(wanted) == 0 {
				return ix.sortedNodes(), nil
			}
			nodes := make([]*objects.Node, len(wanted))
			for i, key := range wanted {
				n, err := ix.findNode(key)
				if err != nil {
					return nil, err
				}
				nodes[i] = n
			}
			return nodes, nil
		},
		Live: func(ctx context.Context, nodes []*objects.Node, _ []string, emit func(*objects.Node, query.Cell) error) error {
			return exportLive(ctx, r.env.RPC, nodes, emit)
		},
	}
	return res.Query(ctx, fields, flt)
}

// QueryFields answers QueryFields over the export fields.
func (exportResource) QueryFields(names []string) query.FieldsResult {
	return exportTable.QueryFields(names)
}

// ClassicFields are the fields QueryExports matches node names against:
// Ganeti uses the name field twice ("node" is also the export's stand-in
// for a uuid field). The filter stays simple, so a node named once is
// looked up, and listed, twice.
func (exportResource) ClassicFields() []string { return []string{"node", "node"} }

// exportLive asks nodes for their exports and emits one row per export
// (none for a node without exports) or one failed row per failed node.
func exportLive(ctx context.Context, rpc NodeRPC, nodes []*objects.Node, emit func(*objects.Node, query.Cell) error) error {
	results := instCallNodes(ctx, rpc, "export_list", nodes, func(*objects.Node) any { return map[string]any{} })
	for _, n := range nodes {
		for _, c := range exportCells(results, n) {
			if err := emit(n, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// exportCells returns the export cells of node n's answer.
func exportCells(results map[string]NodeResult, n *objects.Node) []query.Cell {
	r, ok := results[n.UUID]
	switch {
	case !ok:
		return []query.Cell{instNoData}
	case r.Offline || r.Err != nil:
		return []query.Cell{query.Status(instResultStatus(r))}
	}
	var exports []any
	if err := json.Unmarshal(r.Payload, &exports); err != nil || exports == nil {
		return []query.Cell{instNoData} // not a list of names
	}
	cells := make([]query.Cell, len(exports))
	for i, e := range exports {
		name, ok := e.(string)
		if !ok {
			return []query.Cell{instNoData}
		}
		cells[i] = query.Normal(name)
	}
	return cells
}
