package jqscheduler

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/query"
)

// Scenarios I (watching, cleanup and death of running jobs), as far as
// they are rules: goluxid watches every running job, so max_tracked_jobs
// limits neither starting nor watching; the watcher, the poll and the
// livelock checks themselves (I65, I66, I68) are the daemon's.
func TestScenariosI(t *testing.T) {
	t.Run("I62", func(t *testing.T) {
		s := queue(jobs(24, 25), jobs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23), nil)
		c := cfg(30)
		assert.Equal(t, []uint64{24, 25}, IDs(s.Schedule(c).Start))
		assert.Equal(t, 25, c.MaxTracked())
	})
	t.Run("I63", func(t *testing.T) {
		s := queue(jobs(11, 12), jobs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), nil)
		assert.Equal(t, []uint64{11, 12}, IDs(s.Schedule(cfg(20)).Start))
		assert.Len(t, s.Running(), 12)
	})
	t.Run("I64", func(t *testing.T) {
		s := queue(nil, jobs(7, 8), nil)
		require.True(t, s.Update(job(7, status(jqueue.StatusSuccess))))
		assert.Equal(t, []uint64{7}, IDs(s.RemoveFinished()))
		assert.Equal(t, []uint64{8}, IDs(s.Running()))
		assert.False(t, s.Update(job(7, status(jqueue.StatusSuccess))), "no longer running")
	})
	t.Run("I67", func(t *testing.T) {
		s := queue(nil, []*Job{job(5, status(jqueue.StatusRunning))}, nil)
		_, ok := s.Manipulate(5)
		require.True(t, ok)
		assert.Empty(t, s.Running())
		assert.Equal(t, []uint64{5}, IDs(s.Manipulated()))
		now := jqueue.Timestamp{Sec: 1795754135, Usec: 83923}
		dead, err := Failed(file(5, status(jqueue.StatusRunning)),
			Reason{Source: "gnt:daemon:luxid:deathdetection", Text: "detected death of job 5", Timestamp: now.Nanos()}, now, schema30)
		require.NoError(t, err)
		assert.Equal(t, jqueue.StatusError, dead.Status())
		assert.JSONEq(t, `"detected death of job 5"`, string(dead.Ops[0].Result))
		assert.Contains(t, string(dead.Ops[0].Input),
			`["gnt:daemon:luxid:deathdetection","detected death of job 5",1795754135083923000]]`)
		assert.False(t, s.Update(NewJob(dead, nil)), "manipulated jobs are not updated")
		_, ok = s.Unmanipulate(5)
		require.True(t, ok)
		assert.Empty(t, s.RemoveFinished(), "the entry is still the running one until re-read")
		require.True(t, s.Update(NewJob(dead, nil)))
		assert.Equal(t, []uint64{5}, IDs(s.RemoveFinished()))
	})
	t.Run("I69", func(t *testing.T) {
		s := queue(jobs(3), nil, jobs(4))
		_, running := s.FindRunning(3)
		assert.False(t, running)
		_, running = s.FindRunning(4)
		assert.False(t, running)
	})
}

// A job that failed to start, as luxid writes it: its opcodes fail with
// the message and get the reason, the job keeps its priority.
func TestFailedStartFile(t *testing.T) {
	in := file(14, prio(-10), reason("gnt:client:test", "pink bunny", 1400000000000000000))
	now := jqueue.Timestamp{Sec: 1795754135, Usec: 83923}
	msg := "job 14 failed to start: GenericError \"boom\""
	out, err := Failed(in, Reason{Source: "gnt:daemon:luxid:startjobs", Text: msg, Timestamp: now.Nanos()}, now, schema30)
	require.NoError(t, err)
	data, err := out.Marshal()
	require.NoError(t, err)
	assert.Equal(t, `{"id":14,"ops":[{"input":{"priority":0,"depends":null,"comment":null,"reason":[`+
		`["gnt:client:test","pink bunny",1400000000000000000],`+
		`["gnt:daemon:luxid:startjobs","job 14 failed to start: GenericError \"boom\"",1795754135083923000]],`+
		testDelay+`},"status":"error","result":"job 14 failed to start: GenericError \"boom\"","log":[],"priority":-10,`+
		`"start_timestamp":null,"exec_timestamp":null,"end_timestamp":[1795754135,83923]}],`+
		`"received_timestamp":null,"start_timestamp":null,"end_timestamp":[1795754135,83923]}`, string(data))
	assert.Nil(t, in.End)
}

// An invalid opcode fails without getting the reason.
func TestFailedKeepsInvalidInput(t *testing.T) {
	raw := `{"OP_ID":"OP_TEST_DELAY"}`
	out, err := Failed(file(1, rawInput(raw)), Reason{Source: "s", Text: "t"}, jqueue.Timestamp{}, schema30)
	require.NoError(t, err)
	assert.Equal(t, raw, string(out.Ops[0].Input))
	assert.Equal(t, jqueue.StatusError, out.Ops[0].Status)
}

// Scenarios J: dequeuing jobs to cancel them or change their priority,
// and a queue that holds a job twice.
func TestScenariosJ(t *testing.T) {
	t.Run("J70", func(t *testing.T) {
		s := queue(jobs(11, 12), nil, nil)
		j, running, err := s.Dequeue(12)
		require.NoError(t, err)
		assert.False(t, running)
		assert.Equal(t, uint64(12), j.ID)
		assert.Equal(t, []uint64{11}, IDs(s.Enqueued()))
		canceled := Canceled(j.File, jqueue.Timestamp{Sec: 5})
		assert.Equal(t, jqueue.StatusCanceled, canceled.Status())
	})
	for _, name := range []string{"J71", "J72", "J74"} {
		t.Run(name, func(t *testing.T) {
			s := queue(jobs(17), jobs(3), jobs(18)) // finished 18 is gone; a manipulated one is not found either
			for _, id := range []uint64{18, 999} {
				_, running, err := s.Dequeue(id)
				assert.False(t, running)
				assert.True(t, errors.Is(err, ErrNotQueued))
				assert.EqualError(t, err, "Job "+strconv.FormatUint(id, 10)+" not found in queue")
			}
		})
	}
	t.Run("J70/running", func(t *testing.T) {
		s := queue(nil, jobs(3), nil)
		j, running, err := s.Dequeue(3)
		assert.NoError(t, err)
		assert.True(t, running)
		assert.Nil(t, j)
	})
	t.Run("J73", func(t *testing.T) {
		s := queue(jobs(16, 17), jobs(1, 2), nil)
		j, _, err := s.Dequeue(17)
		require.NoError(t, err)
		s.Enqueue(NewJob(WithPriority(j.File, -5), nil))
		assert.Equal(t, []uint64{16, 17}, IDs(s.Enqueued()))
		assert.Equal(t, -5, s.Enqueued()[1].Priority)
		assert.Equal(t, []uint64{17}, IDs(s.Schedule(cfg(3)).Start))
	})
	t.Run("J75", func(t *testing.T) {
		in := file(17, status(jqueue.StatusSuccess), prio(0), nextOp(), prio(0))
		out := WithPriority(in, -5)
		assert.Equal(t, []int{0, -5}, []int{out.Ops[0].Priority, out.Ops[1].Priority})
		assert.Equal(t, 0, in.Ops[1].Priority, "the input is not changed")
		assert.Equal(t, -5, NewJob(out, nil).Priority)
	})
	t.Run("J76", func(t *testing.T) {
		s := queue(jobs(5, 5), nil, nil)
		_, _, err := s.Dequeue(5)
		assert.True(t, errors.Is(err, ErrInconsistent))
		assert.EqualError(t, err, "Queue in inconsistent state.Job 5 queued multiple times")
		assert.Len(t, s.Enqueued(), 2)
	})
}

// Scenarios K: configuration changes that reschedule, and recovery at
// startup. K81 (the drain file) is the submission handler's.
func TestScenariosK(t *testing.T) {
	ruleJSON := func(trail string) json.RawMessage {
		return json.RawMessage(`{"` + uuid(1) + `":{"watermark":3,"priority":0,"predicates":[],"action":"PAUSE",` +
			`"reason_trail":` + trail + `,"uuid":"` + uuid(1) + `"}}`)
	}
	mk := func(maxRunning, maxTracked int, filters json.RawMessage) *Config {
		c, err := NewConfig(maxRunning, maxTracked, filters, query.RegexpPCRE)
		require.NoError(t, err)
		return c
	}
	base := mk(20, 25, ruleJSON(`[]`))
	tests := []struct {
		name     string
		old, new *Config
		want     bool
	}{
		{"K77", base, mk(20, 30, ruleJSON(`[]`)), false},
		{"K78", base, mk(20, 25, ruleJSON(`[["gnt:user","why",1]]`)), true},
		{"K78/same", base, mk(20, 25, ruleJSON(`[]`)), false},
		{"K78/max running", base, mk(21, 25, ruleJSON(`[]`)), true},
		{"K78/rule removed", base, mk(20, 25, json.RawMessage(`{}`)), true},
		{"K78/legacy equal sign", mk(20, 25, json.RawMessage(`{"k":{"watermark":1,"priority":0,"predicates":[["jobid",["=","id",1]]],"action":"PAUSE","reason_trail":[],"uuid":"k"}}`)),
			mk(20, 25, json.RawMessage(`{"k":{"watermark":1,"priority":0,"predicates":[["jobid",["==","id",1]]],"action":"PAUSE","reason_trail":[],"uuid":"k"}}`)), false},
		{"T5/became available", nil, base, true},
		{"T5/became unavailable", base, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, NeedsReschedule(tt.old, tt.new))
		})
	}
	t.Run("K79", func(t *testing.T) {
		s := Recover([]*Job{job(2, status(jqueue.StatusError)), job(3, status(jqueue.StatusCanceled)), job(10, status(jqueue.StatusSuccess))})
		assert.Empty(t, s.Enqueued())
		assert.Empty(t, s.Running())
	})
	t.Run("K80", func(t *testing.T) {
		s := Recover([]*Job{job(6), job(5, status(jqueue.StatusRunning))})
		assert.Equal(t, []uint64{5}, IDs(s.Running()))
		assert.Equal(t, []uint64{6}, IDs(s.Enqueued()))
		assert.Equal(t, []uint64{6}, IDs(s.Schedule(cfg(20)).Start))
	})
}
