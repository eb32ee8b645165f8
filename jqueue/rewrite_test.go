package jqueue

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The death detection rewrite of spec job-queue-format.md §8.9, applied to
// the job as it stood before (running, written by the job process).
func TestMarkFailedLikeDeathDetection(t *testing.T) {
	job, err := ParseJob(readGolden(t, "spec-8_4.json"))
	require.NoError(t, err)
	now := time.Unix(1795753962, 954844000)
	require.NoError(t, job.MarkFailed(ReasonDeathDetection, DeathMessage(job.ID), now))
	assert.Equal(t, StatusError, job.Status())
	assert.JSONEq(t, `"detected death of job 26"`, string(job.Ops[0].Result))
	assert.Equal(t, &Timestamp{1795753962, 954844}, job.End)
	assert.Equal(t, &Timestamp{1795753962, 954844}, job.Ops[0].End)
	assert.Contains(t, string(job.Ops[0].Input),
		`"reason":[["gnt:opcode:test_delay","job=26;index=0",1795754335000232000],["gnt:daemon:luxid:deathdetection","detected death of job 26",1795753962954844000]]`)
	assert.Len(t, job.Ops[0].Log, 2, "log kept")
}

func TestMarkCanceledLikeDequeue(t *testing.T) {
	queued, err := ParseJob(readGolden(t, "job-3.queued-as-written-by-luxid.json"))
	require.NoError(t, err)
	want := readGolden(t, "job-3.canceled-by-luxid.json")
	canceled, err := ParseJob(want)
	require.NoError(t, err)
	queued.MarkCanceled(canceled.End.Time())
	out, err := queued.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(want), string(out))
}

func TestSetPriorityLeavesFinishedOps(t *testing.T) {
	job := &Job{Ops: []*OpCode{{Status: StatusSuccess, Priority: 0}, {Status: StatusQueued, Priority: 0}}}
	job.SetPriority(-10)
	assert.Equal(t, 0, job.Ops[0].Priority)
	assert.Equal(t, -10, job.Ops[1].Priority)
}
