package jqscheduler

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/jqueue"
)

// withStatuses builds opcodes with the given statuses and priorities.
func withStatuses(statuses []jqueue.Status, prios []int) []jobOpt {
	opts := []jobOpt{noOps()}
	for i, s := range statuses {
		p := 0
		if prios != nil {
			p = prios[i]
		}
		opts = append(opts, nextOp(), status(s), prio(p))
	}
	return opts
}

// Scenario tests name their cases by family and number: A job status and
// priority, B slots and ordering, C dependencies, D rule order, E rule
// predicates, F rule actions, G RATE_LIMIT rules, H reason rate limits,
// I watching and death of running jobs, J queue manipulation, K
// configuration changes and startup. The numbers that are not the
// scheduler's rules are left to others: the submission handler makes
// relative dependencies absolute (C18), fails one below job 0 (C20, C21)
// and checks the drain file (K81); the job process checks dependency
// statuses (C24); the daemon compares (mtime, inode, size) before
// re-reading a job (I65), skips its own livelock in death detection (I66)
// and probes livelocks with package livelock (I68).
//
// Scenarios A: the status and priority a job entry derives from its
// opcodes.
func TestScenariosA(t *testing.T) {
	const (
		q   = jqueue.StatusQueued
		w   = jqueue.StatusWaiting
		cg  = jqueue.StatusCanceling
		r   = jqueue.StatusRunning
		cd  = jqueue.StatusCanceled
		ok  = jqueue.StatusSuccess
		bad = jqueue.StatusError
	)
	tests := []struct {
		name      string
		statuses  []jqueue.Status
		prios     []int
		status    jqueue.Status
		priority  int
		started   bool
		finalized bool
	}{
		{name: "A1/all queued", statuses: []jqueue.Status{q, q, q}, status: q},
		{name: "A1/waiting then queued", statuses: []jqueue.Status{w, q, q}, status: w, started: true},
		{name: "A1/success success waiting queued", statuses: []jqueue.Status{ok, ok, w, q}, status: w, started: true},
		{name: "A1/success running queued", statuses: []jqueue.Status{ok, r, q}, status: r, started: true},
		{name: "A1/success success canceling canceling", statuses: []jqueue.Status{ok, ok, cg, cg}, status: cg, started: true},
		{name: "A1/all canceling", statuses: []jqueue.Status{cg, cg}, status: cg, started: true},
		{name: "A1/all canceled", statuses: []jqueue.Status{cd, cd}, status: cd, started: true, finalized: true},
		{name: "A1/success then error", statuses: []jqueue.Status{ok, ok, ok, ok, bad, q}, status: bad, started: true, finalized: true},
		{name: "A1/all error", statuses: []jqueue.Status{bad, bad}, status: bad, started: true, finalized: true},
		{name: "A1/all success", statuses: []jqueue.Status{ok, ok}, status: ok, started: true, finalized: true},
		{name: "A2/no opcodes", statuses: nil, status: ok, started: true, finalized: true},
		{name: "A3/0 0", statuses: []jqueue.Status{q, q}, prios: []int{0, 0}, status: q, priority: 0},
		{name: "A3/-1 0", statuses: []jqueue.Status{q, q}, prios: []int{-1, 0}, status: q, priority: -1},
		{name: "A3/op0 success", statuses: []jqueue.Status{ok, q}, prios: []int{-1, 0}, status: q, priority: 0},
		{name: "A3/op1 -10", statuses: []jqueue.Status{ok, q}, prios: []int{-1, -10}, status: q, priority: -10},
		{name: "A3/op0 running -20", statuses: []jqueue.Status{r, q}, prios: []int{-20, -10}, status: r, priority: -20, started: true},
		{name: "A4/all finalized", statuses: []jqueue.Status{ok, ok}, prios: []int{-10, -10}, status: ok, priority: 0, started: true, finalized: true},
		{name: "A5/canceling", statuses: []jqueue.Status{cg}, status: cg, started: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := job(1, withStatuses(tt.statuses, tt.prios)...)
			assert.Equal(t, tt.status, j.Status)
			assert.Equal(t, tt.priority, j.Priority)
			assert.Equal(t, tt.started, j.Started())
			assert.Equal(t, tt.finalized, j.Finalized())
		})
	}
}

// A2: a submitted job without opcodes is still enqueued and scheduled;
// A5: a canceling job is loaded into running at startup.
func TestScenariosAQueueing(t *testing.T) {
	t.Run("A2", func(t *testing.T) {
		s := &State{}
		s.Enqueue(job(13, noOps()))
		assert.Equal(t, []uint64{13}, IDs(s.Enqueued()))
		assert.Equal(t, []uint64{13}, IDs(s.Schedule(cfg(20)).Start))
	})
	t.Run("A5", func(t *testing.T) {
		s := Recover([]*Job{job(4, status(jqueue.StatusCanceling))})
		assert.Equal(t, []uint64{4}, IDs(s.Running()))
		assert.Empty(t, s.Enqueued())
	})
}
