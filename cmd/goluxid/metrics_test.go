package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/paths"
)

// scrape GETs /metrics over the Unix socket at path.
func scrape(t *testing.T, path string) string {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", path)
		},
	}}
	resp, err := client.Get("http://goluxid/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body)
}

// metricValue returns the value of the sample line of name with labels,
// or -1 when there is none.
func metricValue(text, sample string) float64 {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(sample) + ` (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return -1
	}
	return v
}

// TestMetricsEndpoint runs goluxid with --metrics on a Unix socket and
// checks that the figures follow what it did: a submission and a refused
// call counted by method and outcome, the queue's live job files and
// scheduler jobs, timed fsyncs, the configuration load, and the runtime's
// goroutines and descriptors.
func TestMetricsEndpoint(t *testing.T) {
	requireGanetiUsers(t)
	l, sock := startPausedWithMetrics(t)
	c := dialWhenReady(t, l.LuxiSocket)
	defer c.Close()

	_, err := c.Call(context.Background(), "SubmitJob", []json.RawMessage{json.RawMessage(`[` + crashDelayOp + `]`)})
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "QueryTags", []any{"nosuchkind", ""})
	require.Error(t, err)

	text := scrape(t, sock)
	for sample, want := range map[string]float64{
		`goluxid_luxi_requests_total{method="SubmitJob",outcome="ok"}`:    1,
		`goluxid_luxi_requests_total{method="QueryTags",outcome="error"}`: 1,
		`goluxid_queue_live_job_files`:                                    1,
		`goluxid_queue_cached_jobs`:                                       0,
		`goluxid_scheduler_jobs{state="queued"}`:                          1,
		`goluxid_scheduler_jobs{state="running"}`:                         0,
		`goluxid_wait_for_job_change_waiters`:                             0,
		`goluxid_config_reloads_total{outcome="installed"}`:               1,
		`goluxid_config_reloads_total{outcome="failed"}`:                  0,
	} {
		assert.Equal(t, want, metricValue(text, sample), sample)
	}
	assert.GreaterOrEqual(t, metricValue(text, `goluxid_fsync_seconds_count{kind="file"}`), 1.0, "the job file's fsync was timed")
	assert.GreaterOrEqual(t, metricValue(text, `goluxid_fsync_seconds_count{kind="dir"}`), 1.0, "and its directory's")
	assert.Greater(t, metricValue(text, "go_goroutines"), 0.0)
	assert.Greater(t, metricValue(text, "process_open_fds"), 0.0)
}

func TestMetricsOnlyOnLoopback(t *testing.T) {
	requireGanetiUsers(t)
	l := nodeRoot(t, "node1.example.com")
	out, err := command(l, "-f", "--no-user-checks", "--no-voting", "--yes-do-it", "--metrics=0.0.0.0:9000").CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "only loopback addresses are served")
}

// startPausedWithMetrics starts goluxid on a fresh node whose jobs all stay
// queued, with its metrics on a Unix socket, whose path it returns; the
// daemon is killed when the test ends.
func startPausedWithMetrics(t *testing.T) (*paths.Layout, string) {
	t.Helper()
	l := nodeRoot(t, "node1.example.com")
	pauseAll(t, l)
	sock := filepath.Join(filepath.Dir(l.LuxiSocket), "metrics.sock")
	cmd := command(l, "-f", "--no-user-checks", "--no-voting", "--yes-do-it", "--metrics=unix:"+sock)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return l, sock
}
