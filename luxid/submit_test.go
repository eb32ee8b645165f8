package luxid

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/internal/testkit/luxitest"
	"github.com/goluxid/goluxid/jqueue"
)

// recordingJobs stands in for the scheduler.
type recordingJobs struct {
	mu      sync.Mutex // guards the fields below
	jobs    []*jqueue.Job
	secrets []string
}

func (r *recordingJobs) Enqueue(job *jqueue.Job, secrets json.RawMessage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jobs = append(r.jobs, job)
	r.secrets = append(r.secrets, string(secrets))
}

func (r *recordingJobs) Cancel(_ context.Context, id uint64, kill bool) (bool, string) {
	return true, fmt.Sprintf("cancel %d %v", id, kill)
}

func (r *recordingJobs) ChangePriority(id uint64, prio int) (bool, string) {
	return true, fmt.Sprintf("prio %d %d", id, prio)
}

func TestCancelAndPriorityArguments(t *testing.T) {
	d, _ := newTestDispatcher(t)
	got, err := callJSON(t, d, "CancelJob", `[4]`)
	require.NoError(t, err)
	assert.Equal(t, `[false,"Job 4 not found in queue"]`, got, "no scheduler")
	d.deps.Jobs = &recordingJobs{}
	for args, want := range map[string]string{
		`[4]`: `[true,"cancel 4 false"]`, `["5", true]`: `[true,"cancel 5 true"]`,
	} {
		got, err := callJSON(t, d, "CancelJob", args)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	got, err = callJSON(t, d, "ChangeJobPriority", `[6, 7]`)
	require.NoError(t, err)
	assert.Equal(t, `[true,"prio 6 7"]`, got)
	for args, want := range map[string]string{
		`[6, -20]`: `[true,"prio 6 -20"]`, `[6, 19]`: `[true,"prio 6 19"]`,
		`[6, 20]`:  `[false,"Invalid priority 20, allowed are -20 to 19"]`,
		`[6, -21]`: `[false,"Invalid priority -21, allowed are -20 to 19"]`,
	} {
		got, err = callJSON(t, d, "ChangeJobPriority", args)
		require.NoError(t, err)
		assert.Equal(t, want, got, "a priority outside Ganeti's range would kill the job's process")
	}
	_, err = callJSON(t, d, "CancelJob", `[4, 1]`)
	assert.EqualError(t, err, `Failed to parse request: Cannot convert value '[4, 1]', error: Unable to read Bool`)
}

const delayOp = `{"OP_ID": "OP_TEST_DELAY", "duration": 2, "on_master": true, "on_nodes": [], "repeat": 3, "interruptible": false, "no_locks": true, "priority": 0, "depends": null, "comment": null, "reason": []}`

func TestSubmitJobWritesLuxidForm(t *testing.T) {
	d, layout := newTestDispatcher(t)
	rec := &recordingJobs{}
	d.deps.Jobs = rec
	got, err := callJSON(t, d, "SubmitJob", `[[`+delayOp+`]]`)
	require.NoError(t, err)
	assert.Equal(t, "1", got)
	data, err := os.ReadFile(layout.JobFile(1))
	require.NoError(t, err)
	// A queued job as luxid writes it (jqueue's testdata/golden/spec-8_1.json),
	// with this job's id and time.
	want := regexp.MustCompile(`^\{"id":1,"ops":\[\{"input":\{"priority":0,"depends":null,"comment":null,"reason":\[\["gnt:opcode:test_delay","job=1;index=0",(\d+)000\]\],"OP_ID":"OP_TEST_DELAY","duration":2,"on_master":true,"on_nodes":\[\],"repeat":3,"interruptible":false,"no_locks":true\},"status":"queued","result":null,"log":\[\],"priority":0,"start_timestamp":null,"exec_timestamp":null,"end_timestamp":null\}\],"received_timestamp":\[(\d+),(\d+)\],"start_timestamp":null,"end_timestamp":null\}$`)
	assert.Regexp(t, want, string(data))
	serial, _ := os.ReadFile(layout.SerialFile)
	assert.Equal(t, "1\n", string(serial))
	require.Len(t, rec.jobs, 1)
	assert.Equal(t, `[null]`, rec.secrets[0])
}

func TestSubmitRefusals(t *testing.T) {
	d, layout := newTestDispatcher(t)
	srv := luxitest.NewServer(t, d)
	_, err := callJSON(t, d, "SubmitJob", `[[{"OP_ID": "OP_TEST_DELAY", "duration": 1}]]`)
	assert.EqualError(t, err, `Failed to parse request: SubmitJob: key 'reason' not found, object contains only ["OP_ID","duration"]`)
	_, err = callJSON(t, d, "SubmitJob", `[[{"OP_ID": "OP_NOPE", "reason": []}]]`)
	assert.ErrorContains(t, err, "Failed to parse request: SubmitJob: ")
	serial, _ := os.ReadFile(layout.SerialFile)
	assert.Equal(t, "0\n", string(serial), "no id consumed by a refused request")

	_, err = callJSON(t, d, "SetDrainFlag", `[true]`)
	require.NoError(t, err)
	_, err = srv.Call(t, "SubmitJob", `[[`+delayOp+`]]`)
	assert.Equal(t, []any{"GenericError", []any{"Queue drained"}}, gerrors.Encode(err))
	_, err = srv.Call(t, "SubmitManyJobs", `[[[`+delayOp+`]]]`)
	assert.Equal(t, []any{"GenericError", []any{"Queue drained"}}, gerrors.Encode(err))
	got, err := callJSON(t, d, "SubmitJobToDrainedQueue", `[[`+delayOp+`]]`)
	require.NoError(t, err)
	assert.Equal(t, "1", got)
}

func TestSubmitManyJobsResolvesRelativeDependencies(t *testing.T) {
	d, layout := newTestDispatcher(t)
	rec := &recordingJobs{}
	d.deps.Jobs = rec
	dependent := `{"OP_ID": "OP_TEST_DELAY", "duration": 1, "depends": [[-1, ["success"]]], "reason": []}`
	got, err := callJSON(t, d, "SubmitManyJobs", `[[[`+delayOp+`], [`+dependent+`], []]]`)
	require.NoError(t, err)
	assert.Equal(t, `[[true,1],[true,2],[true,3]]`, got)
	job, err := jqueue.ParseJob(mustRead(t, layout.JobFile(2)))
	require.NoError(t, err)
	assert.Contains(t, string(job.Ops[0].Input), `"depends":[[1,["success"]]]`)
	assert.Len(t, rec.jobs, 3)

	// A relative dependency before job 0 fails that job.
	answer := luxitest.NewServer(t, d).Answer(t, "SubmitJob", `[[{"OP_ID": "OP_TEST_DELAY", "duration": 1, "depends": [[-81, []]], "reason": []}]]`)
	assert.Equal(t, []any{"GenericError", []any{"Invalid value for job ID ' -77'"}}, gerrors.Encode(luxitest.Failure(t, answer)), string(answer))
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// The live queue is bounded: beyond the limit every submission method
// answers Ganeti's JobQueueFull (the real luxid never enforces a limit).
func TestQueueLimit(t *testing.T) {
	d, _ := newTestDispatcher(t)
	d.deps.MaxLiveJobs = 2
	srv := luxitest.NewServer(t, d)
	_, err := callJSON(t, d, "SubmitJob", `[[`+delayOp+`]]`)
	require.NoError(t, err)
	_, err = srv.Call(t, "SubmitManyJobs", `[[[`+delayOp+`], [`+delayOp+`]]]`)
	assert.Equal(t, []any{"JobQueueFull", []any{}}, gerrors.Encode(err), "two more would exceed the limit")
	_, err = callJSON(t, d, "SubmitJobToDrainedQueue", `[[`+delayOp+`]]`)
	require.NoError(t, err)
	_, err = srv.Call(t, "SubmitJob", `[[`+delayOp+`]]`)
	assert.Equal(t, []any{"JobQueueFull", []any{}}, gerrors.Encode(err))
	assert.EqualValues(t, 2, d.deps.Queue.LiveCount())
}
