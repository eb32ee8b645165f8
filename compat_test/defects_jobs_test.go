package compat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// jobDeathPollEnv, if set, watches a killed job for 330 s instead of
// jobDeathWindow, long enough for the Haskell luxid's 307 s poll to notice
// it, which the test then requires.
const jobDeathPollEnv = "COMPAT_JOB_DEATH_POLL"

// Windows during which the killed job is watched: by default, and with
// jobDeathPollEnv.
const (
	jobDeathWindow     = 20 * time.Second
	jobDeathPollWindow = 330 * time.Second
)

// goluxidNoticeBound is how soon goluxid must notice a job's death: at
// once for its own job process, through the dead livelock for one an
// earlier daemon started.
const goluxidNoticeBound = 5 * time.Second

// haskellPollFloor is the earliest the Haskell luxid's 307 s poll can
// notice a death in these tests (the poll runs 307 s after the daemon
// starts; the job is killed within seconds of the start).
const haskellPollFloor = 250 * time.Second

// deathSubmitScript submits a job that sleeps 600 s in its process and a
// job that depends on it ending in any way, and prints their ids.
const deathSubmitScript = `
from ganeti import luxi, opcodes
cl = luxi.Client()
sleeper = cl.SubmitJob([opcodes.OpTestDelay(duration=600, on_master=False)])
dependant = cl.SubmitJob([opcodes.OpTestDelay(duration=0.1, on_master=False,
    depends=[[sleeper, ["success", "error", "canceled"]]])])
print(sleeper, dependant)
`

// deathWatchScript polls the jobs given after the window (argv[1], in
// seconds) until they are all finished or the window is over, and prints,
// as JSON, each job's status, result and how many seconds after the start
// it was first seen finished (null if never).
const deathWatchScript = `
import json, sys, time
from ganeti import luxi
window = float(sys.argv[1])
ids = [int(a) for a in sys.argv[2:]]
final = ("success", "error", "canceled")
cl = luxi.Client()
start = time.time()
ended = {}
while len(ended) < len(ids) and time.time() - start < window:
    for (j, s) in cl.QueryJobs(ids, ["id", "status"]):
        if s in final and j not in ended:
            ended[j] = time.time() - start
    time.sleep(0.1)
print(json.dumps([{"id": j, "status": s, "result": r, "after": ended.get(j)}
                  for (j, s, r) in cl.QueryJobs(ids, ["id", "status", "opresult"])]))
`

// watchedJob is one job of deathWatchScript's output.
type watchedJob struct {
	ID     int      `json:"id"`
	Status string   `json:"status"`
	Result []any    `json:"result"`
	After  *float64 `json:"after"` // seconds until seen finished; nil: never
}

// jobDeathResult is what a luxid did after a job's process was killed.
type jobDeathResult struct {
	sleeper, dependant watchedJob
}

// TestJobDeathOnlyNoticedByPoll shows two rows of README's differences: a
// job process killed (SIGKILL, not through CancelJob) while the daemon that
// started it runs, and one killed after the daemon restarted. The Haskell
// luxid watches neither the process nor, after a restart, the job file: it
// reads the job as running and keeps its dependant queued until its 307 s
// poll. goluxid fails the job ("detected death of job N") within seconds
// and then runs the dependant. By default the jobs are watched for 20 s;
// COMPAT_JOB_DEATH_POLL=1 watches them for 330 s and requires the Haskell
// luxid's poll to notice them.
func TestJobDeathOnlyNoticedByPoll(t *testing.T) {
	window := jobDeathWindow
	if os.Getenv(jobDeathPollEnv) != "" {
		window = jobDeathPollWindow
	}
	for _, restart := range []bool{false, true} {
		name := map[bool]string{false: "killed", true: "killed-after-restart"}[restart]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			found := sideBySide(t, sandbox.Options{}, func(t *testing.T, luxid string, sb *sandbox.Sandbox) jobDeathResult {
				return killSleepingJob(t, luxid, sb, restart, window)
			})
			checkGoluxidNoticedDeath(t, found[goKind])
			checkHaskellMissedDeath(t, found[haskellKind], window)
		})
	}
}

// killSleepingJob submits deathSubmitScript's jobs, restarts the luxid
// while the sleeper runs if restart is set, kills the sleeper's process and
// watches both jobs for window.
func killSleepingJob(t *testing.T, luxid string, sb *sandbox.Sandbox, restart bool, window time.Duration) jobDeathResult {
	var sleeper, dependant int
	out := mustPython(t, sb, clientTimeout, deathSubmitScript)
	_, err := fmt.Sscan(out, &sleeper, &dependant)
	require.NoError(t, err, "job ids in %q", out)
	waitJobs(t, sb, 30*time.Second, "running", sleeper)
	if restart {
		require.NoError(t, sb.RestartLuxid(context.Background()), "%s: restart", luxid)
	}
	pid := jobProcess(t, sb, sleeper)
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL), "%s: kill job %d's process %d", luxid, sleeper, pid)
	out = mustPython(t, sb, window+clientTimeout, deathWatchScript,
		strconv.FormatFloat(window.Seconds(), 'f', 0, 64), strconv.Itoa(sleeper), strconv.Itoa(dependant))
	var jobs []watchedJob
	require.NoError(t, json.Unmarshal([]byte(out), &jobs), "%s: watch output %q", luxid, out)
	require.Len(t, jobs, 2, "%s: watch output %q", luxid, out)
	t.Logf("%s: after the kill: %s", luxid, strings.TrimSpace(out))
	return jobDeathResult{sleeper: jobs[0], dependant: jobs[1]}
}

// jobProcess returns the process id the job's file names, after checking
// that it is a job process of this sandbox.
func jobProcess(t *testing.T, sb *sandbox.Sandbox, id int) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sb.Layout().QueueDir, "job-"+strconv.Itoa(id)))
	require.NoError(t, err)
	var file struct {
		ProcessID *int `json:"process_id"`
	}
	require.NoError(t, json.Unmarshal(data, &file), "job %d's file", id)
	require.NotNil(t, file.ProcessID, "job %d's file names no process", id)
	pid := *file.ProcessID
	environ, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	require.NoError(t, err, "job %d's process %d", id, pid)
	require.True(t, bytes.Contains(environ, []byte("GANETI_ROOTDIR="+sb.Root()+"\x00")),
		"process %d, named by job %d's file, is not of this sandbox", pid, id)
	return pid
}

// checkGoluxidNoticedDeath requires the sleeper failed within
// goluxidNoticeBound and the dependant run after it.
func checkGoluxidNoticedDeath(t *testing.T, r jobDeathResult) {
	t.Helper()
	assert.Equal(t, "error", r.sleeper.Status, "goluxid: the killed job")
	assert.Equal(t, []any{fmt.Sprintf("detected death of job %d", r.sleeper.ID)}, r.sleeper.Result, "goluxid: the killed job's result")
	if assert.NotNil(t, r.sleeper.After, "goluxid: the killed job seen finished") {
		assert.Less(t, *r.sleeper.After, goluxidNoticeBound.Seconds(), "goluxid: seconds until the death was noticed")
	}
	assert.Equal(t, "success", r.dependant.Status, "goluxid: the dependant ran")
}

// checkHaskellMissedDeath requires the sleeper still read as running and
// the dependant queued at the end of a default window; with the long
// window, the death noticed by the poll and the dependant run.
func checkHaskellMissedDeath(t *testing.T, r jobDeathResult, window time.Duration) {
	t.Helper()
	if window < haskellPollFloor {
		assert.Equal(t, "running", r.sleeper.Status, "haskell: the killed job after %s", window)
		assert.Nil(t, r.sleeper.After, "haskell: the killed job seen finished")
		assert.Equal(t, "queued", r.dependant.Status, "haskell: the dependant after %s", window)
		return
	}
	assert.Equal(t, "error", r.sleeper.Status, "haskell: the killed job after its poll")
	if assert.NotNil(t, r.sleeper.After, "haskell: the poll noticed the killed job") {
		assert.Greater(t, *r.sleeper.After, haskellPollFloor.Seconds(), "haskell: seconds until the death was noticed")
	}
	assert.Equal(t, "success", r.dependant.Status, "haskell: the dependant ran after the poll")
}

// secondStartWindow is how long after a restart the job's processes are
// counted: the Haskell luxid starts queued jobs as soon as it has loaded
// the queue.
const secondStartWindow = 10 * time.Second

// TestJobStartedByAnEarlierDaemon shows a row of README's differences: a
// queued job whose process the daemon before a restart had already
// started. With WConfd hanging, a job process stays in its start-up (it
// asks WConfd for the configuration) after the luxid has written its
// livelock into the job file, whose opcodes are still queued. The Haskell
// luxid, restarted then, reads the job as queued and starts a second
// process for it; goluxid counts it as running, as its livelock is held.
// The job's processes are counted by their livelock files (each process
// makes one, named after the job and the second it started).
func TestJobStartedByAnEarlierDaemon(t *testing.T) {
	found := sideBySide(t, sandbox.Options{}, func(t *testing.T, luxid string, sb *sandbox.Sandbox) int {
		listener, err := sb.HangWconfd()
		require.NoError(t, err, "%s: hang WConfd", luxid)
		defer listener.Close()
		mustRun(t, sb, "gnt-debug", "delay", "--no-master", "--submit", "1")
		first := waitStartingJob(t, sb, 1)
		// A second process must not make a livelock file of the same name.
		for time.Now().Unix() <= livelockSecond(t, first) {
			time.Sleep(100 * time.Millisecond)
		}
		require.NoError(t, sb.RestartLuxid(context.Background()), "%s: restart", luxid)
		most := 0
		for deadline := time.Now().Add(secondStartWindow); time.Now().Before(deadline) && most < 2; {
			most = max(most, len(jobLivelocks(t, sb, 1)))
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("%s: job 1's livelock files after the restart: %v", luxid, jobLivelocks(t, sb, 1))
		return most
	})
	assert.Equal(t, 1, found[goKind], "goluxid: processes of job 1 within %s of the restart", secondStartWindow)
	assert.Equal(t, 2, found[haskellKind], "haskell: processes of job 1 within %s of the restart", secondStartWindow)
}

// waitStartingJob waits until the job's file names a livelock of the job's
// own process while every opcode is still queued, and returns its path.
func waitStartingJob(t *testing.T, sb *sandbox.Sandbox, id int) string {
	t.Helper()
	path := filepath.Join(sb.Layout().QueueDir, "job-"+strconv.Itoa(id))
	prefix := jobLivelockPrefix(id)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		var file struct {
			Livelock *string `json:"livelock"`
			Ops      []struct {
				Status string `json:"status"`
			} `json:"ops"`
		}
		require.NoError(t, json.Unmarshal(data, &file), "job %d's file", id)
		for _, op := range file.Ops {
			require.Equal(t, "queued", op.Status, "job %d's opcodes while its process starts", id)
		}
		if file.Livelock != nil && strings.HasPrefix(filepath.Base(*file.Livelock), prefix) {
			return *file.Livelock
		}
	}
	t.Fatalf("job %d's file names no livelock of its own after 30 s\n%s", id, luxidOutput(sb))
	return ""
}

// jobLivelockPrefix starts the names of the livelock files of the job's
// processes.
func jobLivelockPrefix(id int) string { return fmt.Sprintf("job_%06d_", id) }

// livelockSecond is the second in the name of a job's livelock file.
func livelockSecond(t *testing.T, path string) int64 {
	t.Helper()
	name := filepath.Base(path)
	sec, err := strconv.ParseInt(name[strings.LastIndexByte(name, '_')+1:], 10, 64)
	require.NoError(t, err, "livelock file %s", path)
	return sec
}

// jobLivelocks lists the livelock files of the job's processes.
func jobLivelocks(t *testing.T, sb *sandbox.Sandbox, id int) []string {
	t.Helper()
	entries, err := os.ReadDir(sb.Layout().LivelockDir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), jobLivelockPrefix(id)) {
			names = append(names, e.Name())
		}
	}
	return names
}
