package jqscheduler

import (
	"sync/atomic"

	"github.com/goluxid/goluxid/jqueue"
)

// Job is the scheduler's entry for one job: what the rules read from its
// file, computed once. Entries are immutable and safe to share; a job read
// again gets a new entry (see State.Update).
type Job struct {
	ID     uint64
	Status jqueue.Status
	// Priority is the job's priority when read: the lowest priority of
	// its unfinished opcodes, 0 if there are none. Lower runs first.
	Priority int
	// Depends are the absolute job ids the job's valid opcodes depend on.
	Depends []uint64
	// File is the job the entry was made from.
	File *jqueue.Job

	ops     []*opcode // the valid opcodes
	reasons []Reason  // reason trail entries of all valid opcodes
	buckets []bucket  // distinct ad-hoc rate limits of the reasons

	// applying caches the applying rule for the last rule set asked
	// about: rounds run on every submission, and a configuration reload
	// builds an equal rule set unless the filters changed.
	applying atomic.Pointer[applyingMemo]
}

// applyingMemo is a job's applying rule under one rule set (and every
// equal one): its index among the set's non-CONTINUE rules, or -1.
type applyingMemo struct {
	rules *RuleSet
	index int
}

// NewJob makes the entry of a job file. valid decides which opcodes are
// valid; nil accepts every opcode whose OP_ID and common parameters are
// well formed.
func NewJob(file *jqueue.Job, valid Validator) *Job {
	j := &Job{ID: file.ID, Status: file.Status(), Priority: file.Priority(), File: file}
	for _, op := range file.Ops {
		parsed, ok := parseOpcode(op.Input)
		if !ok || (valid != nil && !valid(op.Input)) {
			continue
		}
		j.ops = append(j.ops, parsed)
		j.Depends = append(j.Depends, parsed.depends...)
		j.reasons = append(j.reasons, parsed.reasons...)
	}
	j.buckets = bucketsOf(j.reasons)
	return j
}

// Started reports whether the job left the queued state (waiting,
// canceling, running or finished).
func (j *Job) Started() bool { return j.Status > jqueue.StatusQueued }

// Finalized reports whether the job finished (canceled, success, error).
func (j *Job) Finalized() bool { return j.Status.Finalized() }

// IDs lists the ids of jobs, in order.
func IDs(jobs []*Job) []uint64 {
	ids := make([]uint64, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	return ids
}
