package jqscheduler

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/jqueue"
)

// Death detection applied to a running job as the job process last wrote
// it (testdata/spec-8_4.json): every opcode fails with the message,
// the reason is appended, the log and the original job stay untouched.
func TestFailedLikeDeathDetection(t *testing.T) {
	data, err := os.ReadFile("testdata/spec-8_4.json")
	require.NoError(t, err)
	job, err := jqueue.ParseJob(data)
	require.NoError(t, err)
	now := jqueue.Timestamp{Sec: 1795753962, Usec: 954844}
	msg := jqueue.DeathMessage(job.ID)
	failed, err := Failed(job, Reason{Source: jqueue.ReasonDeathDetection, Text: msg, Timestamp: now.Nanos()}, now, schema30)
	require.NoError(t, err)
	assert.Equal(t, jqueue.StatusError, failed.Status())
	assert.Equal(t, jqueue.StatusRunning, job.Status(), "original untouched")
	assert.JSONEq(t, `"detected death of job 26"`, string(failed.Ops[0].Result))
	assert.Equal(t, &now, failed.End)
	assert.Equal(t, &now, failed.Ops[0].End)
	assert.Contains(t, string(failed.Ops[0].Input),
		`["gnt:daemon:luxid:deathdetection","detected death of job 26",1795753962954844000]`)
	assert.Len(t, failed.Ops[0].Log, 2, "log kept")
}
