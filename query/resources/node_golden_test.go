package resources

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
)

// nodeGoldenCase is one request/response pair captured from the real
// luxid (testdata/node-golden-query-cases.json holds the node, group and
// network cases of the spec's query-cases.json).
type nodeGoldenCase struct {
	Method   string          `json:"method"`
	Args     json.RawMessage `json:"args"`
	Response string          `json:"response"`
}

// nodeGoldenConfig loads the configuration of the golden cases.
func nodeGoldenConfig(t testing.TB) *objects.ConfigData {
	t.Helper()
	data, err := os.ReadFile("testdata/node-golden-config.data.json")
	require.NoError(t, err)
	cfg, err := objects.Parse(data)
	require.NoError(t, err)
	return cfg
}

// nodeGoldenCases loads the golden cases.
func nodeGoldenCases(t *testing.T) map[string]nodeGoldenCase {
	t.Helper()
	data, err := os.ReadFile("testdata/node-golden-query-cases.json")
	require.NoError(t, err)
	var cases map[string]nodeGoldenCase
	require.NoError(t, json.Unmarshal(data, &cases))
	return cases
}

// nodeGoldenAnswer plays luxid for one request over env: the response
// text, or the parse error of a filter luxid cannot decode.
func nodeGoldenAnswer(t *testing.T, env Env, method string, args json.RawMessage) (string, *query.ParseError) {
	t.Helper()
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(args, &raw))
	result, err := nodeGoldenDispatch(t, env, method, raw)
	var pe *query.ParseError
	if errors.As(err, &pe) {
		return "", pe
	}
	success := err == nil
	if !success {
		result = gerrors.Encode(err)
	}
	data, err := hsjson.Marshal(struct {
		Success bool `json:"success"`
		Result  any  `json:"result"`
	}{success, result})
	require.NoError(t, err)
	return string(data), nil
}

// nodeGoldenDispatch runs one query method as luxid does.
func nodeGoldenDispatch(t *testing.T, env Env, method string, args []json.RawMessage) (any, error) {
	ctx := context.Background()
	decode := func(raw json.RawMessage, v any) { require.NoError(t, json.Unmarshal(raw, v)) }
	switch method {
	case "Query":
		var what string
		var fields []string
		decode(args[0], &what)
		decode(args[1], &fields)
		flt, err := query.ParseFilter(args[2])
		if err != nil {
			return nil, err
		}
		res, ok := New(what, env)
		require.True(t, ok)
		return res.Query(ctx, fields, flt)
	case "QueryFields":
		var what string
		var fields []string
		decode(args[0], &what)
		decode(args[1], &fields)
		res, ok := New(what, env)
		require.True(t, ok)
		return res.QueryFields(fields), nil
	case "QueryNodes", "QueryGroups", "QueryNetworks":
		kind := map[string]string{"QueryNodes": "node", "QueryGroups": "group", "QueryNetworks": "network"}[method]
		var names, fields []string
		var lock bool
		decode(args[0], &names)
		decode(args[1], &fields)
		decode(args[2], &lock)
		if err := query.CheckNoLock(lock); err != nil {
			return nil, err
		}
		res, ok := New(kind, env)
		require.True(t, ok)
		values := make([]query.Value, len(names))
		for i, n := range names {
			values[i] = query.StringValue(n)
		}
		r, err := res.Query(ctx, fields, query.ClassicFilter(values, res.ClassicFields()...))
		if err != nil {
			return nil, err
		}
		return query.Compat(r)
	}
	t.Fatalf("unexpected method %s", method)
	return nil, nil
}

// TestGoldenNodeGroupNetwork replays every node, group and network case
// of the real luxid, whose nodes were all unreachable (node3 offline),
// and compares the responses byte for byte. The requests luxid fails to
// decode (bad filters) check the query package's message against the
// end of the captured one, whose start is the LUXI layer's.
func TestGoldenNodeGroupNetwork(t *testing.T) {
	cases := nodeGoldenCases(t)
	require.Len(t, cases, 54)
	cfg := nodeGoldenConfig(t)
	for _, label := range slices.Sorted(maps.Keys(cases)) {
		c := cases[label]
		t.Run(label, func(t *testing.T) {
			for _, rpc := range []NodeRPC{&fakeRPC{}, nil} {
				got, pe := nodeGoldenAnswer(t, Env{Config: cfg, RPC: rpc}, c.Method, c.Args)
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
			res, ok := New(kind, Env{})
			require.True(t, ok)
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
