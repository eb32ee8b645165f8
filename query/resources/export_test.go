package resources

import (
	"context"
	"testing"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExportRows(t *testing.T) {
	rpc := instAnswers(map[string]map[string]string{"export_list": {
		"node1.example.com":  `["web.example.com","db.example.com"]`,
		"node2.example.com":  `[]`,
		"node10.example.com": `null`,
	}})
	env := Env{Config: goldenConfig(t), RPC: rpc}
	fields := []string{"node", "export"}
	tests := []struct {
		name, filter, want string
	}{
		{"all nodes", "",
			`[[[0,"node1.example.com"],[0,"web.example.com"]],[[0,"node1.example.com"],[0,"db.example.com"]],` +
				`[[0,"node3.example.com"],[4,null]],[[0,"node10.example.com"],[2,null]]]`},
		{"export filter: failed rows pass", `["==", "export", "db.example.com"]`,
			`[[[0,"node1.example.com"],[0,"db.example.com"]],[[0,"node3.example.com"],[4,null]],[[0,"node10.example.com"],[2,null]]]`},
		{"node names in filter order", `["|", ["==", "node", "node10"], ["==", "node", "node1"]]`,
			`[[[0,"node10.example.com"],[2,null]],[[0,"node1.example.com"],[0,"web.example.com"]],[[0,"node1.example.com"],[0,"db.example.com"]]]`},
		{"regex on node", `["=~", "node", "^node1\\."]`,
			`[[[0,"node1.example.com"],[0,"web.example.com"]],[[0,"node1.example.com"],[0,"db.example.com"]]]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := queryData(t, "export", env, fields, tc.filter)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestExportNodesAsked(t *testing.T) {
	rpc := &fakeRPC{}
	env := Env{Config: goldenConfig(t), RPC: rpc}
	got, err := queryData(t, "export", env, []string{"node"}, `["==", "node", "node2"]`)
	require.NoError(t, err)
	assert.Equal(t, `[[[0,"node2.example.com"]]]`, got)
	require.Len(t, rpc.calls, 1)
	assert.Equal(t, []string{"node2.example.com"}, rpc.calls[0].nodes)

	// Without live fields nobody is asked and every node gives a row.
	rpc.calls = nil
	got, err = queryData(t, "export", env, []string{}, "")
	require.NoError(t, err)
	assert.Equal(t, `[[],[],[],[]]`, got)
	assert.Empty(t, rpc.calls)
}

func TestExportUnknownNode(t *testing.T) {
	_, err := queryData(t, "export", Env{Config: goldenConfig(t)}, []string{"node"}, `["==", "node", "nodeX"]`)
	assert.Equal(t, []any{"OpPrereqError", []any{"Node name nodeX not found", "unknown_entity"}}, gerrors.Encode(err))
}

func TestExportClassicDuplicates(t *testing.T) {
	rpc := instAnswers(map[string]map[string]string{"export_list": {
		"node1.example.com": `["web.example.com"]`,
		"node2.example.com": `[]`,
	}})
	env := Env{Config: goldenConfig(t), RPC: rpc}
	res, _ := New("export", env)
	names := []query.Value{query.StringValue("node1"), query.StringValue("node2")}
	r, err := res.Query(context.Background(), []string{"node", "export"}, query.ClassicFilter(names, res.ClassicFields()...))
	require.NoError(t, err)
	rows, err := query.Compat(r)
	require.NoError(t, err)
	assert.Equal(t, [][]any{{"node1.example.com", "web.example.com"}, {"node1.example.com", "web.example.com"}}, rows)
}

func TestExportMalformedAnswers(t *testing.T) {
	for _, payload := range []string{`{}`, `"x"`, `[1]`, `["a", null]`, `null`} {
		rpc := instAnswers(map[string]map[string]string{"export_list": {"node1.example.com": payload}})
		got, err := queryData(t, "export", Env{Config: goldenConfig(t), RPC: rpc}, []string{"export"}, `["==", "node", "node1"]`)
		require.NoError(t, err)
		assert.Equal(t, `[[[2,null]]]`, got, payload)
	}
}
