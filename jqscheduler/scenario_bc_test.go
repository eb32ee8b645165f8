package jqscheduler

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// roundCase is one scheduling round: a queue, a configuration, and the
// expected decision and queue afterwards.
type roundCase struct {
	name          string
	enq, run, man []*Job
	config        *Config
	start, reject []uint64
	enqAfter      []uint64 // checked when not nil
}

func runRounds(t *testing.T, tests []roundCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := queue(tt.enq, tt.run, tt.man)
			before := IDs(s.Enqueued())
			plan := s.Plan(tt.config)
			assert.Equal(t, before, IDs(s.Enqueued()), "Plan must not change the state")
			d := s.Apply(plan)
			assert.Equal(t, plan, d, "Apply right after Plan applies it all")
			assert.Equal(t, tt.start, nilIfEmpty(IDs(d.Start)), "started")
			assert.Equal(t, tt.reject, nilIfEmpty(rejectedIDs(d)), "rejected")
			if tt.enqAfter != nil {
				assert.Equal(t, tt.enqAfter, IDs(s.Enqueued()), "queued after")
			}
			runningAfter := append(IDs(tt.run), tt.start...)
			assert.Equal(t, nilIfEmpty(runningAfter), nilIfEmpty(IDs(s.Running())), "running after")
		})
	}
}

func nilIfEmpty(ids []uint64) []uint64 {
	if len(ids) == 0 {
		return nil
	}
	return ids
}

// Scenarios B (free slots and start order) and C (dependencies), as
// rounds.
func TestScenariosBC(t *testing.T) {
	pause12 := rule(t, "00000000-0000-0000-0000-000000000001", 0, 11, `"PAUSE"`, `["jobid",["==","id",12]]`)
	accept := rule(t, "00000000-0000-0000-0000-000000000002", 1, 11, `"ACCEPT"`, `["jobid",[">","id",12]]`)
	runRounds(t, []roundCase{
		{name: "B6", enq: jobs(1, 2, 3), config: cfg(2), start: []uint64{1, 2}, enqAfter: []uint64{3}},
		{name: "B7", enq: jobs(1), run: jobs(5, 6), config: cfg(2), enqAfter: []uint64{1}},
		{name: "B8", enq: jobs(1), run: jobs(5), man: jobs(6), config: cfg(2), enqAfter: []uint64{1}},
		{name: "B9/zero", enq: jobs(1), config: cfg(0), enqAfter: []uint64{1}},
		{name: "B9/over-full", enq: jobs(1), run: jobs(5, 6, 7), config: cfg(2), enqAfter: []uint64{1}},
		{
			name:   "B10",
			enq:    []*Job{job(12), job(13, prio(10)), job(14, prio(-10)), job(15)},
			config: cfg(2, pause12, accept), start: []uint64{14, 15}, enqAfter: []uint64{12, 13},
		},
		{name: "B11", enq: jobs(3, 7), config: cfg(1), start: []uint64{3}, enqAfter: []uint64{7}},
		{name: "B12", enq: jobs(1), config: nil, enqAfter: []uint64{1}},
		{name: "C13", enq: []*Job{job(1), job(2, deps(1))}, config: cfg(20), start: []uint64{1}, enqAfter: []uint64{2}},
		{name: "C14", enq: []*Job{job(2, deps(1))}, run: jobs(1), config: cfg(20), enqAfter: []uint64{2}},
		{name: "C15", enq: []*Job{job(2, deps(1))}, man: jobs(1), config: cfg(20), start: []uint64{2}},
		{name: "C16", enq: []*Job{job(2, deps(99))}, config: cfg(20), start: []uint64{2}},
		{name: "C17", enq: []*Job{job(18, deps(13))}, config: cfg(20), start: []uint64{18}},
		{name: "C19/first", enq: []*Job{job(20), job(21, deps(20))}, config: cfg(20), start: []uint64{20}, enqAfter: []uint64{21}},
		{name: "C19/second", enq: []*Job{job(21, deps(20))}, config: cfg(20), start: []uint64{21}},
		{name: "C22", enq: []*Job{job(5, deps(5))}, config: cfg(20), enqAfter: []uint64{5}},
		{name: "C23/before", enq: []*Job{job(12), job(16, deps(12))}, config: cfg(20, pause12), enqAfter: []uint64{12, 16}},
		{name: "C23/after cancel", enq: []*Job{job(16, deps(12))}, config: cfg(20, pause12), start: []uint64{16}},
	})
}

// B10 continued: jobs 14 and 15 fail to start, are failed and removed;
// the next round starts 13.
func TestScenarioB10FailedStart(t *testing.T) {
	pause12 := rule(t, "00000000-0000-0000-0000-000000000001", 0, 11, `"PAUSE"`, `["jobid",["==","id",12]]`)
	s := queue([]*Job{job(12), job(13, prio(10)), job(14, prio(-10)), job(15)}, nil, nil)
	c := cfg(2, pause12)
	assert.Equal(t, []uint64{14, 15}, IDs(s.Schedule(c).Start))
	s.RemoveRunning(14, 15)
	assert.Empty(t, s.Running())
	assert.Equal(t, []uint64{13}, IDs(s.Schedule(c).Start))
}

// C23: canceling the paused dependency dequeues it; the dependent job
// starts at the next round.
func TestScenarioC23Dequeue(t *testing.T) {
	pause12 := rule(t, "00000000-0000-0000-0000-000000000001", 0, 11, `"PAUSE"`, `["jobid",["==","id",12]]`)
	s := queue([]*Job{job(12), job(16, deps(12))}, nil, nil)
	c := cfg(20, pause12)
	assert.Empty(t, s.Schedule(c).Start)
	removed, running, err := s.Dequeue(12)
	assert.NoError(t, err)
	assert.False(t, running)
	assert.Equal(t, uint64(12), removed.ID)
	assert.Equal(t, []uint64{16}, IDs(s.Schedule(c).Start))
}

// Scenarios C18, C20, C21 (dependency resolution at submission) and C24
// (the job process's status checks) belong to the submission handler and
// the job executor, not to the scheduler's rules.
