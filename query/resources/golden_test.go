package resources

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
)

// goldenCase is one request/response pair captured from the real luxid
// (the testdata/*-golden-query-cases.json files hold the cases of
// luxid/testdata/query-cases.json by kind).
type goldenCase struct {
	Method   string          `json:"method"`
	Args     json.RawMessage `json:"args"`
	Response string          `json:"response"`
}

// goldenConfig loads the configuration of the golden cases.
func goldenConfig(t testing.TB) *objects.ConfigData {
	t.Helper()
	data, err := os.ReadFile("testdata/golden-config.data.json")
	require.NoError(t, err)
	cfg, err := objects.Parse(data, 3000000)
	require.NoError(t, err)
	return cfg
}

// goldenCases loads the golden cases of one file.
func goldenCases(t *testing.T, path string) map[string]goldenCase {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var cases map[string]goldenCase
	require.NoError(t, json.Unmarshal(data, &cases))
	return cases
}

// goldenAnswer plays luxid for one request over env: the response text,
// or the parse error of a filter luxid cannot decode.
func goldenAnswer(t *testing.T, env Env, method string, args json.RawMessage) (string, *query.ParseError) {
	t.Helper()
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(args, &raw))
	result, err := goldenDispatch(t, env, method, raw)
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

// classicKinds maps the classic query methods to their kinds.
var classicKinds = map[string]string{
	"QueryNodes": "node", "QueryGroups": "group", "QueryNetworks": "network", "QueryInstances": "instance",
}

// goldenDispatch runs one query method as luxid does.
func goldenDispatch(t *testing.T, env Env, method string, args []json.RawMessage) (any, error) {
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
		res, err := New(what, env)
		require.NoError(t, err)
		return res.Query(context.Background(), fields, flt)
	case "QueryFields":
		var what string
		var fields []string
		decode(args[0], &what)
		decode(args[1], &fields)
		res, err := New(what, env)
		require.NoError(t, err)
		return res.QueryFields(fields), nil
	case "QueryExports":
		var names []string
		var lock bool
		decode(args[0], &names)
		decode(args[1], &lock)
		return goldenClassic(t, env, "export", names, []string{"node", "export"}, lock)
	}
	kind, ok := classicKinds[method]
	require.True(t, ok, "unexpected method %s", method)
	var names, fields []string
	var lock bool
	decode(args[0], &names)
	decode(args[1], &fields)
	decode(args[2], &lock)
	return goldenClassic(t, env, kind, names, fields, lock)
}

// goldenClassic runs a classic query as luxid does.
func goldenClassic(t *testing.T, env Env, kind string, names, fields []string, lock bool) (any, error) {
	if err := query.CheckNoLock(lock); err != nil {
		return nil, err
	}
	res, err := New(kind, env)
	require.NoError(t, err)
	values := make([]query.Value, len(names))
	for i, n := range names {
		values[i] = query.StringValue(n)
	}
	r, err := res.Query(context.Background(), fields, query.ClassicFilter(values, res.ClassicFields()...))
	if err != nil {
		return nil, err
	}
	return query.Compat(r)
}
