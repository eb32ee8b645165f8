package resources

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
)

// filterConfig parses a configuration whose "filters" object is filters.
func filterConfig(t *testing.T, filters string) *objects.ConfigData {
	t.Helper()
	cfg, err := objects.Parse([]byte(`{"version": 3000000, "cluster": {}, "filters": `+filters+`}`), 3000000)
	require.NoError(t, err)
	return cfg
}

// twoRules are two rules, listed out of uuid order.
const twoRules = `{
 "b2": {"uuid": "b2", "watermark": 7, "priority": 5, "action": ["RATE_LIMIT", 3],
  "predicates": [["jobid", [">", "id", "watermark"]]], "reason_trail": [["gnt:user", "maint", 1]]},
 "a1": {"uuid": "a1", "watermark": 4, "priority": 0, "action": "ACCEPT",
  "predicates": [], "reason_trail": []}}`

func TestFilterQuery(t *testing.T) {
	res, err := New("filter", Env{Config: filterConfig(t, twoRules)})
	require.NoError(t, err)
	assert.Equal(t, []string{"uuid"}, res.ClassicFields())
	tests := []struct {
		name  string
		names []query.Value
		want  string
	}{
		{"all, in uuid order", nil,
			`[[[0,"a1"],[0,0],[0,4],[0,"ACCEPT"],[0,[]],[0,[]]],` +
				`[[0,"b2"],[0,5],[0,7],[0,["RATE_LIMIT",3]],[0,[["jobid",[">","id","watermark"]]]],[0,[["gnt:user","maint",1]]]]]`},
		{"requested, in request order", []query.Value{query.StringValue("b2"), query.StringValue("a1")},
			`[[[0,"b2"],[0,5],[0,7],[0,["RATE_LIMIT",3]],[0,[["jobid",[">","id","watermark"]]]],[0,[["gnt:user","maint",1]]]],` +
				`[[0,"a1"],[0,0],[0,4],[0,"ACCEPT"],[0,[]],[0,[]]]]`},
	}
	fields := []string{"uuid", "priority", "watermark", "action", "predicates", "reason_trail"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := res.Query(context.Background(), fields, query.ClassicFilter(tc.names, res.ClassicFields()...))
			require.NoError(t, err)
			data, err := hsjson.Marshal(r.Data)
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(data))
		})
	}
}

func TestFilterQueryUnknownUUID(t *testing.T) {
	res, err := New("filter", Env{Config: filterConfig(t, twoRules)})
	require.NoError(t, err)
	_, err = res.Query(context.Background(), []string{"uuid"}, query.ClassicFilter([]query.Value{query.StringValue("c3")}, "uuid"))
	assert.Equal(t, []any{"OpPrereqError", []any{"Filter uuid c3 not found", "unknown_entity"}}, gerrors.Encode(err))
}

func TestFilterFields(t *testing.T) {
	res, err := New("filter", Env{Config: filterConfig(t, `null`)})
	require.NoError(t, err)
	var names []string
	for _, f := range res.QueryFields(nil).Fields {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"action", "predicates", "priority", "reason_trail", "uuid", "watermark"}, names)
}

func TestFilterRulesThatDoNotDecode(t *testing.T) {
	cfg := filterConfig(t, `{"u1": {"uuid": "u1", "watermark": 1, "priority": 0, "action": "ACCEPT",
		"predicates": [["bogus", ["=", "a", "b"]]], "reason_trail": []}}`)
	_, err := New("filter", Env{Config: cfg})
	require.Error(t, err)
	assert.Equal(t, "ConfigurationError", gerrors.Encode(err)[0])
}

func TestFilterWithoutConfig(t *testing.T) {
	_, err := New("filter", Env{})
	assert.ErrorIs(t, err, errFilterNoConfig)
}
