package luxid

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSetDrainFlag(t *testing.T) {
	d, layout := newTestDispatcher(t)
	got, err := callJSON(t, d, "SetDrainFlag", `[false]`)
	require.NoError(t, err, "clearing a clear flag answers (the real luxid hangs)")
	assert.Equal(t, "true", got)
	got, err = callJSON(t, d, "SetDrainFlag", `[true]`)
	require.NoError(t, err)
	assert.Equal(t, "true", got)
	_, err = os.Stat(layout.DrainFile)
	assert.NoError(t, err)
	got, err = callJSON(t, d, "QueryConfigValues", `[["drain_flag"]]`)
	require.NoError(t, err)
	assert.Equal(t, "[true]", got)
	_, err = callJSON(t, d, "SetDrainFlag", `[1]`)
	assert.EqualError(t, err, "Failed to parse request: Cannot convert value '[1]', error: Unable to read Bool")
}

func TestArchiveJob(t *testing.T) {
	d, layout := newTestDispatcher(t)
	withGoldenQueue(t, layout)
	tests := []struct {
		args, want string
	}{
		{`[2]`, "true"},  // finished, no livelock: archived at once
		{`[2]`, "false"}, // already archived
		{`[7]`, "false"}, // corrupt
		{`[99]`, "false"},
		{`["3"]`, "true"}, // canceled before start (the real luxid refuses it)
	}
	for _, tc := range tests {
		got, err := callJSON(t, d, "ArchiveJob", tc.args)
		require.NoError(t, err, tc.args)
		assert.Equal(t, tc.want, got, tc.args)
	}
	_, err := os.Stat(layout.ArchivedJobFile(2))
	assert.NoError(t, err)
	_, err = os.Stat(layout.ArchivedJobFile(3))
	assert.NoError(t, err)
}

func TestArchiveJobRefusesUnfinished(t *testing.T) {
	d, layout := newTestDispatcher(t)
	running, err := os.ReadFile("testdata/running-job.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(layout.JobFile(26), running, 0o600))
	got, err := callJSON(t, d, "ArchiveJob", `[26]`)
	require.NoError(t, err)
	assert.Equal(t, "false", got)
}

func TestArchiveJobWaitsForProcessExit(t *testing.T) {
	d, layout := newTestDispatcher(t)
	running, err := os.ReadFile("testdata/running-job.json")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(layout.LivelockDir, 0o750))
	live := filepath.Join(layout.LivelockDir, "job_000026_1795754335")
	finished := strings.Replace(string(running), `"status": "running"`, `"status": "success"`, 1)
	finished = strings.Replace(finished, `/var/run/ganeti/livelocks/job_000026_1795754335`, live, 1)
	require.NoError(t, os.WriteFile(layout.JobFile(26), []byte(finished), 0o600))

	holder := holdLivelock(t, live)
	done := make(chan string, 1)
	go func() {
		got, err := callJSON(t, d, "ArchiveJob", `[26]`)
		assert.NoError(t, err)
		done <- got
	}()
	select {
	case <-done:
		t.Fatal("archived while the job process still runs")
	case <-time.After(300 * time.Millisecond):
	}
	holder()
	select {
	case got := <-done:
		assert.Equal(t, "true", got)
	case <-time.After(5 * time.Second):
		t.Fatal("not archived after the process exited")
	}
}

// A job file written on another node or by another release may name a
// livelock whose directory is missing here: the process is gone.
func TestArchiveJobWithLivelockDirGone(t *testing.T) {
	d, layout := newTestDispatcher(t)
	running, err := os.ReadFile("testdata/running-job.json")
	require.NoError(t, err)
	gone := filepath.Join(t.TempDir(), "gone", "job_000026_1795754335")
	finished := strings.Replace(string(running), `"status": "running"`, `"status": "success"`, 1)
	finished = strings.Replace(finished, `/var/run/ganeti/livelocks/job_000026_1795754335`, gone, 1)
	require.NoError(t, os.WriteFile(layout.JobFile(26), []byte(finished), 0o600))
	got, err := callJSON(t, d, "ArchiveJob", `[26]`)
	require.NoError(t, err)
	assert.Equal(t, "true", got)
	assert.FileExists(t, layout.ArchivedJobFile(26))
}

func TestAutoArchiveJobs(t *testing.T) {
	d, layout := newTestDispatcher(t)
	withGoldenQueue(t, layout)
	got, err := callJSON(t, d, "AutoArchiveJobs", `[3600, 60]`)
	require.NoError(t, err)
	assert.Equal(t, "[3,0]", got, "jobs 2, 3 and 10 ended long ago")
	ids, err := d.deps.Queue.LiveJobIDs()
	require.NoError(t, err)
	assert.Equal(t, []uint64{7}, ids, "the corrupt job stays")
}

func TestAutoArchiveAllArchivesEveryFinishedJob(t *testing.T) {
	d, layout := newTestDispatcher(t)
	withGoldenQueue(t, layout)
	running, err := os.ReadFile("testdata/running-job.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(layout.JobFile(26), running, 0o600))
	// `gnt-job autoarchive all` sends age -1; the real luxid archives nothing.
	got, err := callJSON(t, d, "AutoArchiveJobs", `[-1, 89]`)
	require.NoError(t, err)
	assert.Equal(t, "[3,0]", got)
	ids, err := d.deps.Queue.LiveJobIDs()
	require.NoError(t, err)
	assert.Equal(t, []uint64{7, 26}, ids, "running and corrupt jobs stay")
}

func TestAutoArchiveTimeoutLeavesJobs(t *testing.T) {
	d, layout := newTestDispatcher(t)
	withGoldenQueue(t, layout)
	got, err := callJSON(t, d, "AutoArchiveJobs", `[0, 0]`)
	require.NoError(t, err)
	assert.Equal(t, "[0,4]", got)
	_, err = callJSON(t, d, "AutoArchiveJobs", `["x", 0]`)
	assert.EqualError(t, err, `Failed to parse request: Cannot convert value '["x", 0]', error: Unable to read Integer`)
}
