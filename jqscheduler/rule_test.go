package jqscheduler

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/query"
)

// A rule as WConfd stored it decodes and encodes back compactly, in
// luxid's key order.
func TestRuleRoundTrip(t *testing.T) {
	stored := `{"watermark": 29, "priority": 5, "predicates": [["reason", ["=~", "reason", "^rate"]], ["jobid", [">", "id", "watermark"]]], "action": ["RATE_LIMIT", 2], "reason_trail": [["gnt:user", "why", 0], ["luxid", "", 1795754856673774000]], "uuid": "318891f0-2e57-4900-a673-792c353266fd"}`
	var r Rule
	require.NoError(t, r.decode([]byte(stored), query.RegexpPCRE))
	assert.Equal(t, uint64(29), r.Watermark)
	assert.Equal(t, 5, r.Priority)
	assert.Equal(t, Action{Kind: RateLimit, Limit: 2}, r.Action)
	assert.Equal(t, []PredicateKind{ReasonPredicate, JobIDPredicate}, []PredicateKind{r.Predicates[0].Kind, r.Predicates[1].Kind})
	assert.Equal(t, Reason{Source: "luxid", Timestamp: 1795754856673774000}, r.ReasonTrail[1])
	out, err := hsjson.Marshal(&r)
	require.NoError(t, err)
	assert.Equal(t, `{"watermark":29,"priority":5,"predicates":[["reason",["=~","reason","^rate"]],["jobid",[">","id","watermark"]]],"action":["RATE_LIMIT",2],"reason_trail":[["gnt:user","why",0],["luxid","",1795754856673774000]],"uuid":"318891f0-2e57-4900-a673-792c353266fd"}`, string(out))
}

// Malformed rules fail with Ganeti's texts.
func TestRuleErrors(t *testing.T) {
	const ok = `"watermark":1,"priority":0,"predicates":[],"action":"ACCEPT","reason_trail":[],"uuid":"u"`
	tests := []struct {
		name string
		json string
		msg  string
	}{
		{"missing key", `{"watermark":1}`, `key 'priority' not found, object contains only ["watermark"]`},
		{"negative priority", `{"watermark":1,"priority":-1,"predicates":[],"action":"ACCEPT","reason_trail":[],"uuid":"u"}`,
			`key 'priority': Invalid value for non-negative type '-1'`},
		{"negative watermark", `{"watermark":-3,"priority":0,"predicates":[],"action":"ACCEPT","reason_trail":[],"uuid":"u"}`,
			`key 'watermark': Invalid value for job ID ' -3'`},
		{"lower-case action", `{` + ok[:len(ok)-len(`"action":"ACCEPT","reason_trail":[],"uuid":"u"`)] + `"action":"accept","reason_trail":[],"uuid":"u"}`,
			`key 'action': malformed FilterAction JSON: "accept"`},
		{"not an object", `[1]`, `Unable to read JSObject`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Rule
			err := r.decode([]byte(tt.json), query.RegexpPCRE)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalidRule))
			var perr *ParseError
			require.True(t, errors.As(err, &perr))
			assert.Equal(t, tt.msg, perr.Msg)
		})
	}
}

func TestActionDecoding(t *testing.T) {
	tests := []struct {
		json string
		want Action
		msg  string
	}{
		{`"ACCEPT"`, Action{Kind: Accept}, ""},
		{`"PAUSE"`, Action{Kind: Pause}, ""},
		{`"REJECT"`, Action{Kind: Reject}, ""},
		{`"CONTINUE"`, Action{Kind: Continue}, ""},
		{`["RATE_LIMIT",3]`, Action{Kind: RateLimit, Limit: 3}, ""},
		{`["RATE_LIMIT",3.0]`, Action{Kind: RateLimit, Limit: 3}, ""},
		{`["RATE_LIMIT",0]`, Action{}, "RATE_LIMIT argument must be a positive integer"},
		{`["RATE_LIMIT",-2]`, Action{}, "RATE_LIMIT argument must be a positive integer"},
		{`["RATE_LIMIT",1.5]`, Action{}, "RATE_LIMIT argument must be a positive integer"},
		{`["RATE_LIMIT","2"]`, Action{}, "RATE_LIMIT argument must be a positive integer"},
		{`["RATE_LIMIT"]`, Action{}, "RATE_LIMIT argument must be a positive integer"},
		{`["RATE_LIMIT",1,2]`, Action{}, "RATE_LIMIT argument must be a positive integer"},
		{`"RATE_LIMIT"`, Action{}, `malformed FilterAction JSON: "RATE_LIMIT"`},
		{`["PAUSE"]`, Action{}, `malformed FilterAction JSON: ["PAUSE"]`},
		{`5`, Action{}, `malformed FilterAction JSON: 5`},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var a Action
			err := json.Unmarshal([]byte(tt.json), &a)
			if tt.msg != "" {
				assert.EqualError(t, err, tt.msg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, a)
			out, err := json.Marshal(a)
			require.NoError(t, err)
			if tt.want.Kind == RateLimit {
				assert.Equal(t, `["RATE_LIMIT",3]`, string(out))
			} else {
				assert.Equal(t, tt.json, string(out))
			}
		})
	}
}

func TestPredicateDecoding(t *testing.T) {
	tests := []struct {
		json string
		kind PredicateKind
		msg  string
	}{
		{`["jobid",["==","id",1]]`, JobIDPredicate, ""},
		{`["opcode",null]`, OpcodePredicate, ""},
		{`["reason",["&"]]`, ReasonPredicate, ""},
		{`["JOBID",null]`, 0, `malformed FilterPredicate: bad parameter list for 'JOBID' predicate: [null]`},
		{`["jobid"]`, 0, `malformed FilterPredicate: bad parameter list for 'jobid' predicate: []`},
		{`["jobid",null,1]`, 0, `malformed FilterPredicate: bad parameter list for 'jobid' predicate: [null,1]`},
		{`[1,null]`, 0, `malformed FilterPredicate: must be a list with the first entry being a string describing the predicate type`},
		{`[]`, 0, `malformed FilterPredicate: must be a list with the first entry being a string describing the predicate type`},
		{`"jobid"`, 0, `malformed FilterPredicate: must be a list with the first entry being a string describing the predicate type`},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			p, err := readPredicate([]byte(tt.json), query.RegexpPCRE)
			if tt.msg != "" {
				assert.EqualError(t, err, tt.msg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.kind, p.Kind)
		})
	}
	t.Run("bad filter", func(t *testing.T) {
		_, err := readPredicate([]byte(`["opcode",["~~","x","y"]]`), query.RegexpPCRE)
		var perr *ParseError
		require.True(t, errors.As(err, &perr))
		assert.NotEmpty(t, perr.Msg)
	})
}

func TestParseRules(t *testing.T) {
	rs, err := ParseRules(json.RawMessage(`null`), query.RegexpPCRE)
	require.NoError(t, err)
	assert.Equal(t, 0, rs.Len())
	_, err = ParseRules(json.RawMessage(`{"x":{"watermark":1}}`), query.RegexpPCRE)
	assert.ErrorIs(t, err, ErrInvalidRule)
	assert.ErrorContains(t, err, "filter rule x: key 'priority' not found")
	_, err = NewConfig(20, 25, json.RawMessage(`[]`), query.RegexpPCRE)
	assert.ErrorIs(t, err, ErrInvalidRule)
}

func TestParseReplaceFilter(t *testing.T) {
	args := `[null, 10, [["jobid", [">", "id", "watermark"]]], "ACCEPT", [["gnt:user", "test", 0]]]`
	a, err := ParseReplaceFilter(json.RawMessage(args), query.RegexpPCRE)
	require.NoError(t, err)
	assert.Nil(t, a.UUID)
	r := a.Rule("0a99524c-1111-2222-3333-444455556666", 6, jqueue.Timestamp{Sec: 1795753979, Usec: 622750})
	out, err := hsjson.Marshal(r)
	require.NoError(t, err)
	assert.Equal(t, `{"watermark":6,"priority":10,"predicates":[["jobid",[">","id","watermark"]]],"action":"ACCEPT",`+
		`"reason_trail":[["gnt:user","test",0],["luxid","",1795753979622750000]],"uuid":"0a99524c-1111-2222-3333-444455556666"}`, string(out))
	assert.Len(t, a.Reason, 1, "the arguments are not changed")

	for _, bad := range []struct{ args, msg string }{
		{`[null, 1, [], "ACCEPT"]`, "Unable to read Tuple5"},
		{`{}`, "Unable to read Tuple5"},
		{`[5, 1, [], "ACCEPT", []]`, "Unable to read String"},
		{`[null, -1, [], "ACCEPT", []]`, "Invalid value for non-negative type '-1'"},
		{`[null, "1", [], "ACCEPT", []]`, "Unable to read Int"},
		{`[null, 1, {}, "ACCEPT", []]`, "Unable to read list"},
		{`[null, 1, [], ["RATE_LIMIT", 0], []]`, "RATE_LIMIT argument must be a positive integer"},
		{`[null, 1, [], "ACCEPT", [["a","b"]]]`, "Unable to read Triple"},
	} {
		_, err := ParseReplaceFilter(json.RawMessage(bad.args), query.RegexpPCRE)
		assert.EqualError(t, err, bad.msg, bad.args)
	}
}

func TestCheckUUID(t *testing.T) {
	assert.NoError(t, CheckUUID("318891f0-2e57-4900-a673-792c353266fd"))
	for _, bad := range []string{"", "318891F0-2e57-4900-a673-792c353266fd", "318891f0-2e57-4900-a673-792c353266f", "318891f0x2e57-4900-a673-792c353266fd", "318891f0-2e57-4900-a673-792c353266fg"} {
		assert.ErrorIs(t, CheckUUID(bad), ErrBadUUID, bad)
	}
}

// Opcodes whose common parameters do not parse are invalid: they add no
// dependencies, reasons or predicate matches.
func TestOpcodeValidity(t *testing.T) {
	tests := []struct {
		name  string
		input string
		valid bool
	}{
		{"luxid's form", `{"priority":0,"depends":[[2,[]]],"comment":null,"reason":[],` + testDelay + `}`, true},
		{"python's form", `{"duration":2.0,"dry_run":null,"debug_level":0,"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_TEST_DELAY"}`, true},
		{"no reason", `{"OP_ID":"OP_TEST_DELAY"}`, false},
		{"no OP_ID", `{"reason":[]}`, false},
		{"bad priority", `{"OP_ID":"X","reason":[],"priority":5}`, false},
		{"bad depends", `{"OP_ID":"X","reason":[],"depends":[[1,["running"]]]}`, false},
		{"relative depends", `{"OP_ID":"X","reason":[],"depends":[[-1,[]]]}`, true},
		{"string job id", `{"OP_ID":"X","reason":[],"depends":[["7",["success"]]]}`, true},
		{"bad comment", `{"OP_ID":"X","reason":[],"comment":1}`, false},
		{"bad reason", `{"OP_ID":"X","reason":[["a","b"]]}`, false},
		{"not an object", `[1]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok := parseOpcode(json.RawMessage(tt.input))
			assert.Equal(t, tt.valid, ok)
		})
	}
	j := job(9, rawInput(`{"OP_ID":"X","reason":[["a","rate-limit:1:x",0]],"depends":[["7",["success"]],[-2,[]],[3,[]]]}`))
	assert.Equal(t, []uint64{7, 3}, j.Depends)
	assert.Equal(t, []bucket{{key: "1:x:1", limit: 1}}, j.buckets)
	rejected := NewJob(file(9, deps(3)), func(json.RawMessage) bool { return false })
	assert.Empty(t, rejected.Depends, "a validator can reject opcodes")
}

// The predicates' regular expressions are read in the dialect given:
// "a*?" is a lazy quantifier in Ganeti 3.0's PCRE and a syntax error in
// 3.1's regex-tdfa, which makes the whole configuration refused.
func TestParseRulesDialect(t *testing.T) {
	filters := json.RawMessage(`{"u":{"watermark":1,"priority":0,"predicates":[["opcode",["=~","OP_ID","a*?"]]],` +
		`"action":"ACCEPT","reason_trail":[],"uuid":"u"}}`)
	rs, err := ParseRules(filters, query.RegexpPCRE)
	require.NoError(t, err)
	assert.Equal(t, 1, rs.Len())
	_, err = NewConfig(20, 25, filters, query.RegexpTDFA)
	assert.ErrorIs(t, err, ErrInvalidRule)
	assert.ErrorContains(t, err, `filter rule u: key 'predicates': parseRegex for Text.Regex.TDFA.String failed:"a*?"`)
}
