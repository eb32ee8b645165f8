package jqscheduler

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const clusterRename = `"OP_ID":"OP_CLUSTER_RENAME","name":"cluster1"`

// hsJob is the job of the Haskell filtering tests: one OP_CLUSTER_RENAME
// with the reason ("source1", "reason1", 1234).
func hsJob(id uint64) *Job {
	return job(id, fields(clusterRename), reason("source1", "reason1", 1234))
}

func hsJobs(ids ...uint64) []*Job {
	out := make([]*Job, len(ids))
	for i, id := range ids {
		out[i] = hsJob(id)
	}
	return out
}

func uuid(n int) string { return fmt.Sprintf("00000000-0000-0000-0000-%012d", n) }

// Scenarios D: rule order and the applying rule, as rounds.
func TestScenariosD(t *testing.T) {
	idIs1 := `["jobid",["==","id",1]]`
	fr1 := rule(t, uuid(1), 1, 1, `"REJECT"`, idIs1)
	fr2 := func(prio int) *Rule { return rule(t, uuid(2), prio, 1, `"ACCEPT"`, idIs1) }
	fr1At2 := rule(t, uuid(1), 2, 1, `"REJECT"`, idIs1)
	fr3 := rule(t, uuid(3), 1, 1, `"PAUSE"`, idIs1)
	fr4 := rule(t, uuid(4), 1, 1, `"REJECT"`, `["jobid",[">","id","watermark"]]`)
	fr5 := rule(t, uuid(5), 1, 1, `"REJECT"`)
	fr6 := rule(t, uuid(6), 1, 1, `"CONTINUE"`)
	fr7 := rule(t, uuid(7), 2, 1, `["RATE_LIMIT",2]`)
	fr8 := rule(t, uuid(8), 1, 1, `"CONTINUE"`, `["jobid",[">","id","watermark"]]`)
	fr9 := rule(t, uuid(9), 2, 1, `["RATE_LIMIT",2]`, `["jobid",[">","id","watermark"]]`)
	runRounds(t, []roundCase{
		{name: "D26/fr1", enq: hsJobs(1), config: cfg(20, fr1), reject: []uint64{1}, enqAfter: []uint64{}},
		{name: "D26/fr1 fr2", enq: hsJobs(1), config: cfg(20, fr1, fr2(2)), reject: []uint64{1}, enqAfter: []uint64{}},
		{name: "D26/fr2 fr1", enq: hsJobs(1), config: cfg(20, fr2(1), fr1At2), start: []uint64{1}},
		{name: "D26/fr3", enq: hsJobs(1), config: cfg(20, fr3), enqAfter: []uint64{1}},
		{name: "D27", enq: hsJobs(1, 2), config: cfg(20, fr4), start: []uint64{1}, reject: []uint64{2}},
		{name: "D28", enq: hsJobs(1, 2), config: cfg(20, fr5), reject: []uint64{1, 2}},
		{name: "D29", enq: hsJobs(1, 2, 3), config: cfg(20, fr6, fr7), start: []uint64{1, 2}, enqAfter: []uint64{3}},
		{name: "D30", enq: hsJobs(1, 2, 3, 4), config: cfg(20, fr8, fr9), start: []uint64{1, 2, 3}, enqAfter: []uint64{4}},
		{
			name:   "D32/live",
			enq:    hsJobs(11),
			config: cfg(20, rule(t, uuid(1), 10, 10, `"PAUSE"`), rule(t, uuid(2), 10, 3, `"ACCEPT"`)),
			start:  []uint64{11},
		},
	})
}

// D25, D32: rules are evaluated by priority, then watermark, then uuid.
func TestScenariosDOrder(t *testing.T) {
	t.Run("D25", func(t *testing.T) {
		a := rule(t, uuid(3), 0, 9, `"ACCEPT"`)
		b := rule(t, uuid(2), 1, 1, `"ACCEPT"`)
		c := rule(t, uuid(1), 1, 5, `"ACCEPT"`)
		rs := NewRuleSet(c, b, a)
		assert.Equal(t, []string{uuid(3), uuid(2), uuid(1)}, uuids(rs.Rules()))
	})
	t.Run("D32", func(t *testing.T) {
		lowWM := rule(t, uuid(9), 10, 3, `"ACCEPT"`)
		highWM := rule(t, uuid(1), 10, 10, `"PAUSE"`)
		sameWMb := rule(t, "b", 10, 10, `"PAUSE"`)
		sameWMa := rule(t, "a", 10, 10, `"REJECT"`)
		rs := NewRuleSet(highWM, sameWMb, lowWM, sameWMa)
		assert.Equal(t, []string{uuid(9), uuid(1), "a", "b"}, uuids(rs.Rules()))
		assert.Equal(t, uuid(9), rs.Applying(hsJob(11)).UUID)
		assert.Equal(t, "a", NewRuleSet(sameWMb, sameWMa).Applying(hsJob(11)).UUID)
	})
}

func uuids(rules []*Rule) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.UUID
	}
	return out
}

// Scenarios E: jobid, opcode and reason predicates, for the Haskell
// filtering tests' job (hsJob) and a rule with watermark 1 unless stated.
func TestScenariosE(t *testing.T) {
	multiOp := job(1, fields(testDelay), reason("s0", "r0", 1), nextOp(), fields(clusterRename), reason("s1", "r1", 2))
	invalidOnly := job(1, rawInput(`{"OP_ID":"OP_TEST_DELAY","duration":1}`))
	duration := func(d string) *Job {
		return job(1, fields(`"OP_ID":"OP_TEST_DELAY","duration":`+d+`,"on_master":true`))
	}
	tests := []struct {
		name string
		pred string
		job  *Job // hsJob(1) when nil
		want bool
	}{
		{"E33/id 1", `["jobid",["==","id",1]]`, nil, true},
		{"E33/id 2", `["jobid",["==","id",2]]`, nil, false},
		{"E33/id string", `["jobid",["==","id","1"]]`, nil, false},
		{"E33/watermark", `["jobid",["==","id","watermark"]]`, nil, true},
		{"E34/OP_ID", `["opcode",["==","OP_ID","OP_CLUSTER_RENAME"]]`, nil, true},
		{"E34/other OP_ID", `["opcode",["==","OP_ID","OP_INSTANCE_CREATE"]]`, nil, false},
		{"E34/name", `["opcode",["==","name","cluster1"]]`, nil, true},
		{"E34/unknown field", `["opcode",["==","something","cluster1"]]`, nil, false},
		{"E35/reason", `["reason",["==","reason","reason1"]]`, nil, true},
		{"E35/other reason", `["reason",["==","reason","reasonGarbage"]]`, nil, false},
		{"E35/source", `["reason",["==","source","source1"]]`, nil, true},
		{"E35/timestamp", `["reason",["==","timestamp",1234]]`, nil, true},
		{"E35/unknown field", `["reason",["==","something",""]]`, nil, false},
		{"E36/regexp", `["jobid",["=~","id","."]]`, nil, false},
		{"E36/bool", `["jobid",["?","id"]]`, nil, false},
		{"E36/empty", `["jobid",null]`, nil, true},
		{"E36/invalid first", `["jobid",["|",["==","id","foo"],["==","id",1]]]`, nil, false},
		{"E36/valid first", `["jobid",["|",["==","id",1],["==","id","foo"]]]`, nil, true},
		{"E36/negated invalid", `["jobid",["!",["==","id","foo"]]]`, nil, false},
		{"E37/regexp", `["reason",["=~","reason","reason"]]`, nil, false},
		{"E37/string before number", `["reason",["<","source",5]]`, nil, true},
		{"E37/string is no number", `["reason",["==","source",5]]`, nil, false},
		{"E37/number after string", `["reason",[">","timestamp","x"]]`, nil, true},
		{"E38/common params hidden", `["opcode",["==","priority",0]]`, duration("7"), false},
		{"E38/regexp and duration", `["opcode",["&",["=~","OP_ID","^OP_TEST"],["==","duration",7]]]`, duration("7"), true},
		{"E38/duration 7.0", `["opcode",["==","duration",7]]`, duration("7.0"), true},
		{"E38/duration 0", `["opcode",["&",["=~","OP_ID","^OP_TEST"],["==","duration",7]]]`, duration("0"), false},
		{"E39/unresolvable anywhere", `["opcode",["|",["==","OP_ID","OP_CLUSTER_RENAME"],["==","nosuch",1]]]`, nil, false},
		{"E39/bool of string", `["opcode",["?","name"]]`, nil, false},
		{"E39/string above number", `["opcode",[">","name",5]]`, nil, true},
		{"E39/contains on string", `["opcode",["=[]","OP_ID","x"]]`, nil, false},
		{"E40/valid opcode", `["opcode",null]`, nil, true},
		{"E40/invalid opcodes only", `["opcode",null]`, invalidOnly, false},
		{"E41/any opcode", `["opcode",["==","OP_ID","OP_CLUSTER_RENAME"]]`, multiOp, true},
		{"E41/any reason", `["reason",["==","reason","r1"]]`, multiOp, true},
		{"E42/both hold", `["jobid",["==","id",1]],["reason",["==","source","source1"]]`, nil, true},
		{"E42/one fails", `["jobid",["==","id",1]],["reason",["==","source","nope"]]`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := tt.job
			if j == nil {
				j = hsJob(1)
			}
			r := rule(t, uuid(1), 0, 1, `"ACCEPT"`, tt.pred)
			assert.Equal(t, tt.want, r.Matches(j))
		})
	}
}

// E: dotted paths reach into nested objects; a non-object on the way or
// a missing key makes the opcode not match.
func TestOpcodeDottedPath(t *testing.T) {
	j := job(1, fields(`"OP_ID":"OP_X","a":{"b":{"c":3},"l":[1,2]},"s":"x"`))
	tests := []struct {
		pred string
		want bool
	}{
		{`["==","a.b.c",3]`, true},
		{`[">","a.b",5]`, true}, // an object sorts after a number
		{`["=[]","a.l",2]`, true},
		{`["==","a.b.d",3]`, false},
		{`["==","s.x","x"]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.pred, func(t *testing.T) {
			r := rule(t, uuid(1), 0, 1, `"ACCEPT"`, `["opcode",`+tt.pred+`]`)
			assert.Equal(t, tt.want, r.Matches(j))
		})
	}
}

// D31: the applying rule of a job matches it and is not CONTINUE; no
// earlier non-CONTINUE rule matches.
func TestScenarioD31ApplyingRule(t *testing.T) {
	preds := []string{``, `["jobid",["==","id",1]]`, `["jobid",[">","id","watermark"]]`,
		`["reason",["==","source","source1"]]`, `["opcode",["==","OP_ID","OP_TEST_DELAY"]]`}
	actions := []string{`"ACCEPT"`, `"CONTINUE"`, `"PAUSE"`, `"REJECT"`, `["RATE_LIMIT",1]`}
	var rules []*Rule
	for i := range 25 {
		rules = append(rules, rule(t, uuid(i), i%4, uint64(i%3), actions[i%len(actions)], preds[(i*7)%len(preds)]))
	}
	for n := 1; n <= len(rules); n++ {
		rs := NewRuleSet(rules[:n]...)
		for _, j := range append(hsJobs(1, 2, 3), jobs(1, 2, 5)...) {
			r := rs.Applying(j)
			for _, before := range rs.Rules() {
				if before == r {
					break
				}
				require.False(t, before.Action.Kind != Continue && before.Matches(j), "an earlier rule applies")
			}
			if r != nil {
				require.True(t, r.Matches(j))
				require.NotEqual(t, Continue, r.Action.Kind)
			}
		}
	}
}
