package jqscheduler

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/query"
)

// Scenarios F (ACCEPT, PAUSE, REJECT, CONTINUE), G (RATE_LIMIT rules) and
// H (rate-limit reasons), as rounds.
func TestScenariosFGH(t *testing.T) {
	rejectMe := rule(t, uuid(1), 0, 10, `"REJECT"`, `["reason",["==","reason","reject-me"]]`)
	pauseNew := rule(t, uuid(2), 0, 10, `"PAUSE"`, `["jobid",[">","id","watermark"]]`)
	rejectAll := rule(t, uuid(3), 1, 10, `"REJECT"`)
	acceptAll := rule(t, uuid(4), 0, 10, `"ACCEPT"`)
	limit2 := rule(t, uuid(5), 1, 0, `["RATE_LIMIT",2]`)
	accept1 := rule(t, uuid(6), 0, 0, `"ACCEPT"`, `["jobid",["==","id",1]]`)
	limitFrom10 := rule(t, uuid(7), 0, 0, `["RATE_LIMIT",2]`, `["jobid",[">=","id",10]]`)
	pauseA := rule(t, uuid(8), 0, 0, `"PAUSE"`, `["jobid",["==","id",1]]`)
	rejected := job(11, reason("gnt:user", "reject-me", 0))
	hello := func(id uint64) *Job { return job(id, rateLimit("2:hello")) }
	runRounds(t, []roundCase{
		{name: "F43", enq: []*Job{job(10), rejected}, config: cfg(20, rejectMe), start: []uint64{10}, reject: []uint64{11}},
		{name: "F44", enq: []*Job{job(10), job(11, deps(10), reason("gnt:user", "reject-me", 0))}, run: jobs(9),
			config: cfg(1, rejectMe), reject: []uint64{11}, enqAfter: []uint64{10}},
		{name: "F45", enq: jobs(9, 10, 11, 12), config: cfg(20, pauseNew), start: []uint64{9, 10}, enqAfter: []uint64{11, 12}},
		{name: "F46", enq: jobs(12), run: []*Job{rejected}, config: cfg(20, rejectMe, pauseNew), enqAfter: []uint64{12}},
		{name: "F47", enq: jobs(11), config: cfg(20, acceptAll, rejectAll), start: []uint64{11}},
		{name: "F48", enq: []*Job{rejected}, config: cfg(20, rejectMe), reject: []uint64{11}, enqAfter: []uint64{}},
		{name: "G49", enq: jobs(3), run: jobs(1, 2), config: cfg(20, limit2), enqAfter: []uint64{3}},
		{name: "G50", enq: jobs(3, 4, 5), run: jobs(1), config: cfg(20, accept1, limit2), start: []uint64{3, 4}, enqAfter: []uint64{5}},
		{name: "G51/three running", enq: jobs(4), run: jobs(1, 2, 3), config: cfg(20, limit2), enqAfter: []uint64{4}},
		{name: "G51/two running", enq: jobs(4), run: jobs(2, 3), config: cfg(20, limit2), enqAfter: []uint64{4}},
		{name: "G51/one running", enq: jobs(4, 5), run: jobs(3), config: cfg(20, limit2), start: []uint64{4}, enqAfter: []uint64{5}},
		{name: "G52", enq: jobs(10, 11), run: jobs(1, 2, 3), config: cfg(4, limitFrom10), start: []uint64{10}, enqAfter: []uint64{11}},
		{name: "H54", enq: []*Job{job(2, rateLimit("2:L"))}, run: []*Job{job(1, rateLimit("1:L"))}, config: cfg(20), start: []uint64{2}},
		{name: "H55/j1", enq: []*Job{hello(1)}, config: cfg(20), start: []uint64{1}},
		{name: "H55/j1 j2", enq: []*Job{hello(1), hello(2)}, config: cfg(20), start: []uint64{1, 2}},
		{name: "H55/j1 j2 j3", enq: []*Job{hello(1), hello(2), hello(3)}, config: cfg(20), start: []uint64{1, 2}, enqAfter: []uint64{3}},
		{name: "H55/j1 running", enq: []*Job{hello(2), hello(3)}, run: []*Job{hello(1)}, config: cfg(20), start: []uint64{2}, enqAfter: []uint64{3}},
		{name: "H55/j2 manipulated", enq: []*Job{hello(3)}, run: []*Job{hello(1)}, man: []*Job{hello(2)}, config: cfg(20), enqAfter: []uint64{3}},
		{name: "H56", enq: []*Job{job(1, rateLimit("0:x")), job(2, rateLimit("-1:x")), job(3, rateLimit("a:x")),
			job(4, reason("u", "ratelimit:1:x", 0))}, run: []*Job{job(5, rateLimit("0:x"))}, config: cfg(20), start: []uint64{1, 2, 3, 4}},
		{name: "H57", enq: []*Job{job(2, rateLimit("1"))}, run: []*Job{job(1, rateLimit("1"))}, config: cfg(20), enqAfter: []uint64{2}},
		{name: "H58", enq: []*Job{job(2, rateLimit("2:x"), nextOp(), rateLimit("2:x"))}, run: []*Job{job(1, rateLimit("2:x"))},
			config: cfg(20), start: []uint64{2}},
		{name: "H59", enq: []*Job{job(3, rateLimit("1:X"), rateLimit("1:Y")), job(4, rateLimit("1:X"))},
			run: []*Job{job(1, rateLimit("1:Y"))}, config: cfg(20), start: []uint64{4}, enqAfter: []uint64{3}},
		{name: "H60", enq: []*Job{job(4, rateLimit("2:x")), job(5)}, run: []*Job{job(1, rateLimit("2:x")), job(2, rateLimit("2:x")),
			job(3, rateLimit("2:x"))}, config: cfg(20), start: []uint64{5}, enqAfter: []uint64{4}},
		{name: "H61", enq: []*Job{job(1, rateLimit("1:x")), job(2, rateLimit("1:x"))}, config: cfg(20, pauseA), enqAfter: []uint64{1, 2}},
	})
}

// F43: a rejected job is written canceled as luxid writes it.
func TestScenarioF43CanceledFile(t *testing.T) {
	queued := readJobFile(t, "job-3.queued-as-written-by-luxid.json")
	want, err := os.ReadFile("testdata/job-3.canceled-by-luxid.json")
	require.NoError(t, err)
	canceled := Canceled(queued, jqueue.Timestamp{Sec: 1795755288, Usec: 923344})
	data, err := canceled.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(want), string(data))
	assert.Nil(t, queued.End, "the input is not changed")
	assert.Equal(t, jqueue.StatusQueued, queued.Ops[0].Status)
}

func readJobFile(t *testing.T, name string) *jqueue.Job {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	j, err := jqueue.ParseJob(data)
	require.NoError(t, err)
	return j
}

// F48: adding a REJECT rule is a configuration change that reschedules.
func TestScenarioF48Reschedules(t *testing.T) {
	before, err := NewConfig(20, 25, json.RawMessage(`{}`), query.RegexpPCRE)
	require.NoError(t, err)
	after, err := NewConfig(20, 25, json.RawMessage(`{"`+uuid(1)+`":{"watermark":10,"priority":0,
		"predicates":[["reason",["==","reason","reject-me"]]],"action":"REJECT","reason_trail":[],"uuid":"`+uuid(1)+`"}}`), query.RegexpPCRE)
	require.NoError(t, err)
	assert.True(t, NeedsReschedule(before, after))
	s := queue([]*Job{job(11, reason("gnt:user", "reject-me", 0))}, nil, nil)
	assert.Equal(t, []uint64{11}, rejectedIDs(s.Schedule(after)))
}

// H53: parsing of ad-hoc rate limit reasons.
func TestScenarioH53ParseBucket(t *testing.T) {
	tests := []struct {
		reason string
		key    string
		limit  int64
		ok     bool
	}{
		{"rate-limit:20:my label", "20:my label:20", 20, true},
		{"rate-limit:21:my label", "21:my label:21", 21, true},
		{" rate-limit:20:my label", "", 0, false},
		{"rate-limit:2:hello", "2:hello:2", 2, true},
		{"rate-limit:02:x", "02:x:2", 2, true},
		{"rate-limit:3", "3:3", 3, true},                                           // H57
		{"rate-limit:1:a:b", "1:a:b:1", 1, true},                                   // the label keeps its colons
		{"rate-limit: 4:x", " 4:x:4", 4, true},                                     // leading white space
		{"rate-limit:4 :x", "", 0, false},                                          // trailing is not
		{"rate-limit:0x10:x", "0x10:x:16", 16, true},                               // Haskell literals
		{"rate-limit:(3):x", "(3):x:3", 3, true},                                   // in parentheses
		{"rate-limit:0:x", "", 0, false},                                           // H56
		{"rate-limit:-1:x", "", 0, false},                                          // H56
		{"rate-limit:a:x", "", 0, false},                                           // H56
		{"ratelimit:1:x", "", 0, false},                                            // H56
		{"rate-limit::x", "", 0, false},                                            // no number
		{"rate-limit:1.5:x", "", 0, false},                                         // not an Int
		{"rate-limit:18446744073709551617:x", "18446744073709551617:x:1", 1, true}, // wraps like Int
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			b, ok := parseBucket(tt.reason)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.key, b.key)
			assert.Equal(t, tt.limit, b.limit)
		})
	}
}
