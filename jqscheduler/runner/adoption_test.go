package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/jobexec"
	"github.com/goluxid/goluxid/jqueue"
)

// A job running when the daemon stops is adopted by the next one, which
// notices its end at once and starts its dependant.
func TestRunnerAdoptsRunningJobs(t *testing.T) {
	e := newRunnerEnv(t, 20)
	require.NoError(t, e.runner.Start())
	parent := e.submit(t, "sleep:1")
	e.waitStatus(t, parent, jqueue.StatusRunning, 5*time.Second)
	e.runner.Close() // the process runs on
	// A dependant queued while no daemon ran.
	next := New(e.runner.deps)
	t.Cleanup(next.Close)
	e.runner = next
	child := e.submit(t, "", parent)
	require.NoError(t, next.Start())
	e.waitStatus(t, parent, jqueue.StatusSuccess, 10*time.Second)
	start := time.Now()
	e.waitStatus(t, child, jqueue.StatusSuccess, 10*time.Second)
	assert.Less(t, time.Since(start), 5*time.Second, "the dependant was started promptly after the adopted job ended")
}

// TestRunnerRequeuesJobWhoseProcessDiedInHandshake covers a daemon killed
// in the middle of a start-up handshake: the job file names the process's
// livelock but the job never started. Once that process is gone, the next
// daemon runs the job instead of declaring it dead.
func TestRunnerRequeuesJobWhoseProcessDiedInHandshake(t *testing.T) {
	e := newRunnerEnv(t, 20)
	ids, err := e.queue.AllocateIDs(1)
	require.NoError(t, err)
	id := ids[0]
	// A process holding a livelock, as a job process between sending its
	// livelock and getting its secrets.
	lock := filepath.Join(e.layout.LivelockDir, fmt.Sprintf("job_%06d_1", id))
	holder := exec.Command(jobexec.DefaultPython, "-c",
		"import fcntl, sys, time; f = open(sys.argv[1], 'w'); fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)", lock)
	out, err := holder.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, holder.Start())
	t.Cleanup(func() { holder.Process.Kill(); holder.Wait() })
	line := make([]byte, 7)
	_, err = io.ReadFull(out, line)
	require.NoError(t, err)

	input := `{"priority":0,"depends":null,"comment":"","reason":[],"OP_ID":"OP_TEST_DELAY","duration":1}`
	now := jqueue.TimestampOf(time.Now())
	job := &jqueue.Job{ID: id, Received: &now, Livelock: &lock, Ops: []*jqueue.OpCode{{
		Input: json.RawMessage(input), Status: jqueue.StatusQueued, Result: json.RawMessage("null"), Log: []json.RawMessage{},
	}}}
	require.NoError(t, e.queue.WriteJob(job))
	require.NoError(t, e.runner.Start())
	<-e.runner.Ready()
	time.Sleep(200 * time.Millisecond)
	file, err := e.queue.ReadJob(id)
	require.NoError(t, err)
	require.Equal(t, jqueue.StatusQueued, file.Status(), "not started again while its process lives")

	require.NoError(t, holder.Process.Kill())
	holder.Wait()
	e.waitStatus(t, id, jqueue.StatusSuccess, 10*time.Second)
}
