package query

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// reachableNodes returns copies of the test nodes with the named ones
// reachable.
func reachableNodes(names ...string) []*testNode {
	nodes := make([]*testNode, len(testNodes))
	for i, n := range testNodes {
		c := *n
		for _, name := range names {
			c.reachable = c.reachable || c.name == name
		}
		nodes[i] = &c
	}
	return nodes
}

// rowNames returns the first cell of each row.
func rowNames(res *Result) string {
	var names []string
	for _, row := range res.Data {
		names = append(names, row[0].Value.(string))
	}
	return joinNames(names...)
}

// TestTwoPass checks the two passes of Query: live data is fetched only for
// the items the first pass keeps, and only when a runtime field is involved.
func TestTwoPass(t *testing.T) {
	tests := []struct {
		name   string
		fields []string
		filter string
		rows   string // names of the rows
		asked  string // nodes live data was fetched for
		err    string
	}{
		{name: "no runtime field", fields: []string{"name"}, filter: `["?", "master_candidate"]`,
			rows: "node1.example.com,node2.example.com", asked: ""},
		{name: "runtime field requested", fields: []string{"name", "mfree"}, filter: `["?", "master_candidate"]`,
			rows: "node1.example.com,node2.example.com", asked: "node1.example.com,node2.example.com"},
		{name: "runtime field in filter only", fields: []string{"name"}, filter: `["&", ["?", "master_candidate"], [">", "mfree", 100]]`,
			rows: "node2.example.com", asked: "node1.example.com,node2.example.com"},
		{name: "runtime leaf first passes pass one", fields: []string{"name"}, filter: `["&", [">", "mfree", 100], ["!", ["?", "offline"]]]`,
			rows: "node2.example.com,node10.example.com", asked: "node1.example.com,node2.example.com,node3.example.com,node10.example.com"},
		{name: "no data passes", fields: []string{"name"}, filter: `[">", "mfree", 100000]`,
			rows: "node3.example.com,node10.example.com", asked: "node1.example.com,node2.example.com,node3.example.com,node10.example.com"},
		{name: "error before runtime leaf fails pass one", fields: []string{"name"}, filter: `["&", ["?", "name"], [">", "mfree", 1]]`,
			asked: "", err: "Unexpected value '\"node1.example.com\"' in boolean context"},
		{name: "error after runtime leaf fails pass two", fields: []string{"name"}, filter: `["&", [">", "mfree", 100], ["?", "name"]]`,
			asked: "node1.example.com,node2.example.com", err: "Unexpected value '\"node2.example.com\"' in boolean context"},
		{name: "wanted names", fields: []string{"name", "mfree"}, filter: `["|", ["==", "name", "node2"], ["==", "name", "node1"]]`,
			rows: "node2.example.com,node1.example.com", asked: "node2.example.com,node1.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rpc := &nodeRPC{}
			res, err := nodeResource(reachableNodes("node1.example.com", "node2.example.com"), rpc).
				Query(context.Background(), tt.fields, mustParse(t, tt.filter))
			assert.Equal(t, tt.asked, joinNames(rpc.asked...))
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.rows, rowNames(res))
		})
	}
}

func TestQueryRows(t *testing.T) {
	rpc := &nodeRPC{}
	res, err := nodeResource(reachableNodes("node2.example.com"), rpc).Query(context.Background(),
		[]string{"name", "mfree", "bogus", "offline"}, mustParse(t, `["=[]", "tags", "ssd"]`))
	require.NoError(t, err)
	got, err := hsjson.Marshal(res)
	require.NoError(t, err)
	assert.Equal(t, `{"fields":[`+
		`{"name":"name","title":"Node","kind":"text","doc":"Node name"},`+
		`{"name":"mfree","title":"MFree","kind":"unit","doc":"Memory available for instance allocations"},`+
		`{"name":"bogus","title":"bogus","kind":"unknown","doc":"Unknown field 'bogus'"},`+
		`{"name":"offline","title":"Offline","kind":"bool","doc":"Whether node is marked offline"}],`+
		`"data":[[[0,"node2.example.com"],[0,2048],[1,null],[0,false]]]}`, string(got))

	rows, err := Compat(&Result{Fields: res.Fields[:2], Data: [][]Cell{res.Data[0][:2], {Normal("x"), Status(RSOffline)}}})
	require.NoError(t, err)
	assert.Equal(t, [][]any{{"node2.example.com", 2048}, {"x", nil}}, rows)
	_, err = Compat(res)
	assert.Equal(t, `["OpPrereqError",["Unknown output fields selected: bogus","wrong_input"]]`, encodeError(t, err))
}

// TestLiveMultiplies checks a Live that gives several pairs per item, or
// none, as exports do.
func TestLiveMultiplies(t *testing.T) {
	table := NewTable(
		Field[string, string]{FieldDefinition: FieldDefinition{"node", "Node", KindText, "Node name"}, Mode: ModeHostname,
			GetLive: func(n, _ string) Cell { return Normal(n) }},
		Field[string, string]{FieldDefinition: FieldDefinition{"export", "Export", KindText, "Export name"},
			GetLive: func(_, e string) Cell { return Normal(e) }},
	)
	exports := map[string][]string{"a.example.com": {"x", "y"}, "b.example.com": nil, "c.example.com": {"z"}}
	res := &Resource[string, string]{
		Table:     table,
		NameField: "node",
		Select: SelectByName(func() []string { return []string{"c.example.com", "a.example.com", "b.example.com"} },
			func(s string) string { return s },
			func(key string) (string, error) { return key + ".example.com", nil }),
		Live: func(_ context.Context, nodes []string, _ []string, emit func(string, string) error) error {
			for _, n := range nodes {
				for _, e := range exports[n] {
					if err := emit(n, e); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
	got, err := res.Query(context.Background(), []string{"node", "export"}, nil)
	require.NoError(t, err)
	rows, err := Compat(got)
	require.NoError(t, err)
	assert.Equal(t, [][]any{{"a.example.com", "x"}, {"a.example.com", "y"}, {"c.example.com", "z"}}, rows)

	got, err = res.Query(context.Background(), []string{"export"}, ClassicFilter([]Value{StringValue("c")}, "node", "node"))
	require.NoError(t, err)
	rows, err = Compat(got)
	require.NoError(t, err)
	assert.Equal(t, [][]any{{"z"}, {"z"}}, rows, "a simple classic filter names the node twice")

	got, err = res.Query(context.Background(), []string{}, nil)
	require.NoError(t, err)
	data, err := hsjson.Marshal(got)
	require.NoError(t, err)
	assert.Equal(t, `{"fields":[],"data":[[],[],[]]}`, string(data), "no field needs live data: one row per node")
}

func TestQueryErrors(t *testing.T) {
	errRPC := errors.New("rpc down")
	res := nodeResource(nil, &nodeRPC{})
	res.Live = func(context.Context, []*testNode, []string, func(*testNode, nodeLive) error) error { return errRPC }
	_, err := res.Query(context.Background(), []string{"mfree"}, nil)
	assert.ErrorIs(t, err, errRPC)
	assert.ErrorContains(t, err, "query: live data: rpc down")

	_, err = res.Query(context.Background(), []string{"name"}, mustParse(t, `["|", ["==", "name", "node1"], ["==", "name", "nodeX"]]`))
	assert.Equal(t, `["OpPrereqError",["Node name nodeX not found","unknown_entity"]]`, encodeError(t, err))

	_, err = res.Query(context.Background(), []string{"name"}, mustParse(t, `["&", ["==", "name", "nodeX"], ["==", "nosuch", 1]]`))
	assert.Equal(t, `["ParameterError",["Can't find field named 'nosuch'"]]`, encodeError(t, err), "unknown filter fields fail before selection")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = res.Query(ctx, []string{"name"}, nil)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestRequestedNames(t *testing.T) {
	tests := []struct {
		filter string
		names  []Value
		simple bool
	}{
		{`null`, nil, true},
		{`["==", "name", "a"]`, []Value{StringValue("a")}, true},
		{`["=", "name", 5]`, []Value{IntValue(5)}, true},
		{`["|"]`, nil, true},
		{`["|", ["==", "name", "b"], null, ["|", ["==", "name", "a"], ["==", "name", "b"]]]`,
			[]Value{StringValue("b"), StringValue("a"), StringValue("b")}, true},
		{`["&", ["==", "name", "a"]]`, nil, false},
		{`["!=", "name", "a"]`, nil, false},
		{`["==", "uuid", "a"]`, nil, false},
		{`["|", ["==", "name", "a"], ["==", "uuid", "a"]]`, nil, false},
		{`["<", "name", "a"]`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			names, simple := mustParse(t, tt.filter).RequestedNames("name")
			assert.Equal(t, tt.simple, simple)
			assert.Equal(t, tt.names, names)
		})
	}
	assert.Equal(t, []string{"a", "b"}, StringNames([]Value{StringValue("a"), IntValue(1), StringValue("b")}))
}

func TestClassicFilter(t *testing.T) {
	f := ClassicFilter([]Value{StringValue("n1"), StringValue("n2")}, "name", "uuid")
	got, err := hsjson.Marshal(f)
	require.NoError(t, err)
	assert.Equal(t, `["|",["|",["==","name","n1"],["==","name","n2"]],["|",["==","uuid","n1"],["==","uuid","n2"]]]`, string(got))
	got, err = hsjson.Marshal(ClassicFilter(nil, "name", "uuid"))
	require.NoError(t, err)
	assert.Equal(t, `["|",null,null]`, string(got))
	names, simple := ClassicFilter([]Value{IntValue(3)}, "id", "id").RequestedNames("id")
	assert.True(t, simple)
	assert.Equal(t, []Value{IntValue(3), IntValue(3)}, names)

	assert.NoError(t, CheckNoLock(false))
	assert.Equal(t, `["OpPrereqError",["Sync queries are not allowed","wrong_input"]]`, encodeError(t, CheckNoLock(true)))
}
