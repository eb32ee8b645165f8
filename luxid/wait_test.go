package luxid

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/internal/testkit/luxitest"
)

// withGoldenQueue copies the queue captured from the real luxid.
func withGoldenQueue(t *testing.T, layout *paths.Layout) {
	t.Helper()
	src := filepath.Join("testdata", "queue")
	require.NoError(t, filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(src, path)
		dst := filepath.Join(layout.QueueDir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o750)
		}
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		return os.WriteFile(dst, data, 0o600)
	}))
}

func TestWaitForJobChangeImmediateAnswers(t *testing.T) {
	d, layout := newTestDispatcher(t)
	withGoldenQueue(t, layout)
	tests := []struct {
		name, args, want string
		wantErr          []any
	}{
		{name: "finalized job answers at once with all logs",
			args: `[2, ["status"], null, null, 60]`,
			want: `[["error"],[[2,[1400000101,7],"message","x"],[3,[1400000101,8],"message","y"]]]`},
		{name: "logs after prev_log only",
			args: `["2", ["status", "id"], ["error", 2], 2, 60]`,
			want: `[["error",2],[[3,[1400000101,8],"message","y"]]]`},
		{name: "fractional prev_log",
			args: `[2, ["status"], null, 2.5, 60]`,
			want: `[["error"],[[3,[1400000101,8],"message","y"]]]`},
		{name: "non-numeric prev_log gives no logs",
			args: `[2, ["status", "id"], null, "x", 60]`,
			want: `[["error",2],[]]`},
		{name: "non-numeric prev_log in the status-only path gives all",
			args: `[2, ["status"], null, "x", 60]`,
			want: `[["error"],[[2,[1400000101,7],"message","x"],[3,[1400000101,8],"message","y"]]]`},
		{name: "unknown field",
			args: `[2, ["status", "bogus"], null, null, 60]`,
			want: `[[null,null],[]]`},
		{name: "archived job is lost",
			args:    `[1, ["status"], null, null, 5]`,
			wantErr: []any{"JobLost", []any{"Can't load job file"}}},
		{name: "missing job is lost",
			args:    `[99, ["status"], null, null, 10]`,
			wantErr: []any{"JobLost", []any{"Can't load job file"}}},
	}
	srv := luxitest.NewServer(t, d)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.wantErr != nil {
				_, err := srv.Call(t, "WaitForJobChange", tc.args)
				assert.Equal(t, tc.wantErr, gerrors.Encode(err))
				return
			}
			got, err := callJSON(t, d, "WaitForJobChange", tc.args)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := srv.Call(t, "WaitForJobChange", `[7, ["status"], null, null, 5]`)
	enc := gerrors.Encode(err)
	assert.Equal(t, "JobLost", enc[0])
	assert.True(t, strings.HasPrefix(enc[1].([]any)[0].(string), "Parsing job file: "))
}

func TestWaitForJobChangeBadArguments(t *testing.T) {
	d, _ := newTestDispatcher(t)
	_, err := callJSON(t, d, "WaitForJobChange", `[1, ["status"], null, null]`)
	assert.EqualError(t, err, "Failed to parse request: Parsing WaitForJobChange message: Not enough values")
	_, err = callJSON(t, d, "WaitForJobChange", `[-1, ["status"], null, null, 5]`)
	assert.ErrorContains(t, err, "Failed to parse request: Cannot convert value '[-1, [\"status\"], null, null, 5]', error: Invalid value for job ID")
}

func TestWaitForJobChangeSeesRewrite(t *testing.T) {
	d, layout := newTestDispatcher(t)
	running, err := os.ReadFile("testdata/running-job.json")
	require.NoError(t, err)
	path := layout.JobFile(26)
	require.NoError(t, os.WriteFile(path, running, 0o600))

	// Unchanged: the timeout answers the current state.
	start := time.Now()
	got, err := callJSON(t, d, "WaitForJobChange", `[26, ["status"], ["running"], 2, 1]`)
	require.NoError(t, err)
	assert.Equal(t, `[["running"],[]]`, got)
	assert.GreaterOrEqual(t, time.Since(start), time.Second)

	// Zero timeout evaluates once.
	got, err = callJSON(t, d, "WaitForJobChange", `[26, ["status"], ["running"], 2, 0]`)
	require.NoError(t, err)
	assert.Equal(t, `[["running"],[]]`, got)

	type answer struct {
		got string
		err error
	}
	done := make(chan answer, 1)
	go func() {
		got, err := callJSON(t, d, "WaitForJobChange", `[26, ["status"], ["running"], 2, 30]`)
		done <- answer{got, err}
	}()
	// Replace the file by rename, as the job process does, until seen.
	success := strings.Replace(string(running), `"status": "running"`, `"status": "success"`, 1)
	deadline := time.After(5 * time.Second)
	for {
		tmp := path + ".new"
		require.NoError(t, os.WriteFile(tmp, []byte(success), 0o600))
		require.NoError(t, os.Rename(tmp, path))
		select {
		case a := <-done:
			require.NoError(t, a.err)
			assert.Equal(t, `[["success"],[]]`, a.got)
			return
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatal("change not seen")
		}
	}
}

func TestWaitForJobChangeStatusOnlyNeedsNoConfig(t *testing.T) {
	layout := paths.New(t.TempDir())
	require.NoError(t, os.MkdirAll(layout.QueueDir, 0o750))
	withGoldenQueue(t, layout)
	store := config.NewStore(layout.ConfigFile, 3000000)
	d := newDispatcherWith(t, layout, store)
	got, err := callJSON(t, d, "WaitForJobChange", `[3, ["status"], null, null, 5]`)
	require.NoError(t, err)
	assert.Equal(t, `[["canceled"],[]]`, got)
	_, err = luxitest.NewServer(t, d).Call(t, "WaitForJobChange", `[3, ["status", "id"], null, null, 5]`)
	assert.Equal(t, "ConfigurationError", gerrors.Encode(err)[0])
}

// A thousand concurrent waiters on one job share the daemon's single
// inotify instance and directory watch, and every one gets its answer.
func TestThousandWaiters(t *testing.T) {
	d, layout := newTestDispatcher(t)
	running, err := os.ReadFile("testdata/running-job.json")
	require.NoError(t, err)
	path := layout.JobFile(26)
	require.NoError(t, os.WriteFile(path, running, 0o600))
	instancesBefore, watchesBefore := inotifyUse(t)
	const waiters = 1000
	answers := make(chan string, waiters)
	for range waiters {
		go func() {
			got, err := callJSON(t, d, "WaitForJobChange", `[26, ["status"], ["running"], 2, 30]`)
			if err != nil {
				got = err.Error()
			}
			answers <- got
		}()
	}
	success := strings.Replace(string(running), `"status": "running"`, `"status": "success"`, 1)
	got := 0
	deadline := time.After(20 * time.Second)
	for got < waiters {
		tmp := path + ".new"
		require.NoError(t, os.WriteFile(tmp, []byte(success), 0o600))
		require.NoError(t, os.Rename(tmp, path))
		for drained := false; !drained && got < waiters; {
			select {
			case a := <-answers:
				require.Equal(t, `[["success"],[]]`, a)
				got++
			case <-time.After(100 * time.Millisecond):
				drained = true
			case <-deadline:
				t.Fatalf("only %d of %d waiters answered", got, waiters)
			}
		}
	}
	instances, watches := inotifyUse(t)
	assert.Equal(t, instancesBefore, instances, "no inotify instance of their own")
	assert.Equal(t, watchesBefore+1, watches, "one directory watch for all waiters")
}

// inotifyUse counts this process's inotify instances and their watches,
// as /proc shows them: the descriptors linked to anon_inode:inotify and
// the "inotify wd:" lines of their fdinfo.
func inotifyUse(t *testing.T) (instances, watches int) {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	for _, fd := range fds {
		if target, err := os.Readlink("/proc/self/fd/" + fd.Name()); err != nil || target != "anon_inode:inotify" {
			continue
		}
		info, err := os.ReadFile("/proc/self/fdinfo/" + fd.Name())
		require.NoError(t, err)
		instances++
		watches += strings.Count(string(info), "inotify wd:")
	}
	return instances, watches
}
