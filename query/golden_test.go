package query

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/internal/hsjson"
)

// goldenCase is one request/response pair captured from the real luxid.
type goldenCase struct {
	Method   string          `json:"method"`
	Args     json.RawMessage `json:"args"`
	Response string          `json:"response"`
}

// replayed are the golden cases the fixtures can answer: every node and
// job case whose fields the fixtures define.
var replayed = []string{
	"node-eq-hostname-prefix", "node-eq-exact", "node-names-order-simple",
	"node-names-order-complex", "node-names-unknown", "node-names-ambiguous",
	"node-eq-uuid", "node-lookup-by-uuid-in-name-filter", "node-legacy-eq",
	"node-neq", "node-true", "node-not-true", "node-true-on-string",
	"node-regex", "node-regex-ci", "node-regex-bad", "node-regex-on-bool",
	"node-contains-tag", "node-contains-on-string", "node-gt-int",
	"node-lt-string", "node-ge-float-ctime", "node-eq-int-vs-string",
	"node-eq-string-vs-bool", "node-float-filter-value",
	"node-bool-filter-value", "node-unknown-field-in-filter",
	"node-unknown-op", "node-empty-and", "node-empty-or", "node-not-arity",
	"node-live-filter-offline", "node-live-filter-not",
	"node-filter-field-not-in-output", "node-short-circuit-or",
	"node-unknown-fields", "node-empty-fields", "node-and-or-mixed",
	"classic-nodes-all", "classic-nodes-names", "classic-nodes-uuid",
	"classic-nodes-unknown-field", "classic-nodes-sync", "classic-nodes-live",
	"job-ts-filter", "job-ts-filter-missing", "job-status-filter",
	"job-contains-opstatus", "job-archived-filter", "job-id-range",
	"job-unknown-field", "job-empty-names", "queryfields-subset",
	"job-requested-order", "job-string-id", "classic-jobs",
	"classic-jobs-all", "classic-jobs-unknown-field",
}

// TestGoldenReplay answers the captured requests with the fixtures and
// compares the responses byte for byte.
func TestGoldenReplay(t *testing.T) {
	data, err := os.ReadFile("testdata/query-cases.json")
	require.NoError(t, err)
	var cases map[string]goldenCase
	require.NoError(t, json.Unmarshal(data, &cases))
	for _, label := range replayed {
		t.Run(label, func(t *testing.T) {
			c, ok := cases[label]
			require.True(t, ok, "golden case missing")
			assert.Equal(t, c.Response, answer(t, c.Method, c.Args))
		})
	}
}

// answer plays luxid for one request over the fixtures.
func answer(t *testing.T, method string, args json.RawMessage) string {
	t.Helper()
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(args, &raw))
	result, err := dispatch(method, raw)
	var pe *ParseError
	switch {
	case errors.As(err, &pe):
		decoded, derr := decodeJSON(args, false)
		require.NoError(t, derr)
		return encodeResponse(t, false, "Failed to parse request: Cannot convert value '"+pretty(decoded)+"', error: "+pe.Msg)
	case err != nil:
		return encodeResponse(t, false, gerrors.Encode(err))
	}
	return encodeResponse(t, true, result)
}

// dispatch runs one query method on the fixtures.
func dispatch(method string, args []json.RawMessage) (any, error) {
	ctx := context.Background()
	switch method {
	case "Query":
		var what string
		var fields []string
		mustDecode(args[0], &what)
		mustDecode(args[1], &fields)
		flt, err := ParseFilter(args[2])
		if err != nil {
			return nil, err
		}
		if what == "job" {
			return jobResource.Query(ctx, fields, flt)
		}
		return nodeResource(nil, &nodeRPC{}).Query(ctx, fields, flt)
	case "QueryFields":
		var fields []string
		mustDecode(args[1], &fields)
		return jobTable.QueryFields(fields), nil
	case "QueryNodes":
		var names, fields []string
		var lock bool
		mustDecode(args[0], &names)
		mustDecode(args[1], &fields)
		mustDecode(args[2], &lock)
		if err := CheckNoLock(lock); err != nil {
			return nil, err
		}
		values := make([]Value, len(names))
		for i, n := range names {
			values[i] = StringValue(n)
		}
		return classic(nodeResource(nil, &nodeRPC{}), fields, ClassicFilter(values, "name", "uuid"))
	case "QueryJobs":
		var ids []int64
		var fields []string
		mustDecode(args[0], &ids)
		mustDecode(args[1], &fields)
		values := make([]Value, len(ids))
		for i, id := range ids {
			values[i] = IntValue(id)
		}
		return classic(jobResource, fields, ClassicFilter(values, "id", "id"))
	}
	panic("unexpected method " + method)
}

// classic runs a classic query.
func classic[T, R any](r *Resource[T, R], fields []string, flt *Filter) (any, error) {
	res, err := r.Query(context.Background(), fields, flt)
	if err != nil {
		return nil, err
	}
	return Compat(res)
}

func mustDecode(raw json.RawMessage, v any) {
	if err := json.Unmarshal(raw, v); err != nil {
		panic(err)
	}
}

// encodeResponse writes the LUXI response envelope.
func encodeResponse(t *testing.T, success bool, result any) string {
	t.Helper()
	data, err := hsjson.Marshal(struct {
		Success bool `json:"success"`
		Result  any  `json:"result"`
	}{success, result})
	require.NoError(t, err)
	return string(data)
}
