package jqueue

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readGolden(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "golden", name))
	require.NoError(t, err)
	return data
}

// Files the Haskell luxid wrote must come out of Marshal byte for byte.
func TestMarshalMatchesHaskellLuxid(t *testing.T) {
	for _, name := range []string{
		"spec-8_1.json", "spec-8_2.json", "spec-8_6.json", "spec-8_9.json",
		"job-3.queued-as-written-by-luxid.json", "job-3.canceled-by-luxid.json",
	} {
		t.Run(name, func(t *testing.T) {
			data := readGolden(t, name)
			job, err := ParseJob(data)
			require.NoError(t, err)
			out, err := job.Marshal()
			require.NoError(t, err)
			assert.Equal(t, string(data), string(out))
		})
	}
}

// Files the Python job process wrote parse and keep their content.
func TestParsePythonJobFiles(t *testing.T) {
	tests := []struct {
		name   string
		status Status
		prio   int
		pid    int64
		logs   int
	}{
		{"spec-8_3.json", StatusWaiting, 0, 23148, 0},
		{"spec-8_4.json", StatusRunning, 0, 23148, 2},
		{"spec-8_5.json", StatusSuccess, 0, 23148, 3},
		{"spec-8_7.json", StatusCanceled, 0, 21436, 0},
		{"spec-8_8.json", StatusError, 0, 16311, 0},
		{"job-1.success.json", StatusSuccess, 0, 4178, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job, err := ParseJob(readGolden(t, tc.name))
			require.NoError(t, err)
			assert.Equal(t, tc.status, job.Status())
			assert.Equal(t, tc.prio, job.Priority())
			require.NotNil(t, job.ProcessID)
			assert.Equal(t, tc.pid, *job.ProcessID)
			assert.Len(t, job.Ops[0].Log, tc.logs)
			require.NotNil(t, job.Livelock)
			// Round trip through the luxid form keeps every value.
			out, err := job.Marshal()
			require.NoError(t, err)
			again, err := ParseJob(out)
			require.NoError(t, err)
			out2, err := again.Marshal()
			require.NoError(t, err)
			assert.Equal(t, string(out), string(out2))
			assert.Equal(t, job.Status(), again.Status())
			assert.Equal(t, *job.ProcessID, *again.ProcessID)
		})
	}
}

func TestParseRejectsWhatLuxidRejects(t *testing.T) {
	tests := map[string]string{
		"not json":          `{not json`,
		"no id":             `{"ops":[]}`,
		"no ops":            `{"id":1}`,
		"op without result": `{"id":1,"ops":[{"input":{},"status":"queued","priority":0}]}`,
		"op bad status":     `{"id":1,"ops":[{"input":{},"status":"bogus","result":null,"priority":0}]}`,
		"op no priority":    `{"id":1,"ops":[{"input":{},"status":"queued","result":null}]}`,
		"string pid":        `{"id":1,"ops":[],"process_id":"12"}`,
		"negative id":       `{"id":-1,"ops":[]}`,
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseJob([]byte(data))
			assert.ErrorIs(t, err, ErrCorrupt)
		})
	}
}

func TestCalcStatus(t *testing.T) {
	ops := func(ss ...Status) []*OpCode {
		out := make([]*OpCode, len(ss))
		for i, s := range ss {
			out[i] = &OpCode{Status: s}
		}
		return out
	}
	tests := []struct {
		ops  []*OpCode
		want Status
	}{
		{ops(), StatusSuccess},
		{ops(StatusSuccess, StatusRunning, StatusQueued), StatusRunning},
		{ops(StatusSuccess, StatusQueued), StatusQueued},
		{ops(StatusError, StatusError), StatusError},
		{ops(StatusWaiting, StatusCanceling, StatusRunning), StatusCanceling},
		{ops(StatusQueued, StatusWaiting), StatusWaiting},
		{ops(StatusSuccess, StatusCanceled), StatusCanceled},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, CalcStatus(tc.ops))
	}
}

func TestPriorityOfUnfinishedOps(t *testing.T) {
	job := &Job{Ops: []*OpCode{
		{Status: StatusSuccess, Priority: -20},
		{Status: StatusQueued, Priority: 10},
		{Status: StatusQueued, Priority: -5},
	}}
	assert.Equal(t, -5, job.Priority())
	job.Ops[1].Status, job.Ops[2].Status = StatusError, StatusError
	assert.Equal(t, 0, job.Priority())
}
