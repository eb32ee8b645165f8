package resources

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
)

// TestGoldenNodeGroupNetwork replays every node, group and network case
// of the real luxid, whose nodes were all unreachable (node3 offline),
// and compares the responses byte for byte. The requests luxid fails to
// decode (bad filters) check the query package's message against the
// end of the captured one, whose start is the LUXI layer's.
func TestGoldenNodeGroupNetwork(t *testing.T) {
	cases := goldenCases(t, "testdata/node-golden-query-cases.json")
	require.Len(t, cases, 54)
	cfg := goldenConfig(t)
	for _, label := range slices.Sorted(maps.Keys(cases)) {
		c := cases[label]
		t.Run(label, func(t *testing.T) {
			for _, rpc := range []NodeRPC{&fakeRPC{}, nil} {
				got, pe := goldenAnswer(t, Env{Config: cfg, RPC: rpc}, c.Method, c.Args)
				if pe != nil {
					var want struct{ Result string }
					require.NoError(t, json.Unmarshal([]byte(c.Response), &want))
					assert.True(t, strings.HasPrefix(want.Result, "Failed to parse request: Cannot convert value '"))
					assert.True(t, strings.HasSuffix(want.Result, "', error: "+pe.Msg), "%q\nshould end with %q", want.Result, pe.Msg)
					continue
				}
				assert.Equal(t, c.Response, got)
			}
		})
	}
}

// TestQueryFieldsNodeGroupNetwork compares QueryFields of every field with the
// real luxid's catalogues, byte for byte.
func TestQueryFieldsNodeGroupNetwork(t *testing.T) {
	for _, kind := range []string{"node", "group", "network"} {
		t.Run(kind, func(t *testing.T) {
			want, err := os.ReadFile("testdata/" + kind + "-fields.json")
			require.NoError(t, err)
			var compact bytes.Buffer
			require.NoError(t, json.Compact(&compact, want))
			res, err := New(kind, Env{})
			require.NoError(t, err)
			for _, names := range [][]string{nil, {}} {
				got, err := hsjson.Marshal(res.QueryFields(names).Fields)
				require.NoError(t, err)
				assert.Equal(t, compact.String(), string(got))
			}
			sub := res.QueryFields([]string{"uuid", "nonexistent", "name"}).Fields
			require.Len(t, sub, 3)
			assert.Equal(t, []string{"uuid", "nonexistent", "name"}, []string{sub[0].Name, sub[1].Name, sub[2].Name})
			assert.Equal(t, query.UnknownField("nonexistent"), sub[1])
		})
	}
}
