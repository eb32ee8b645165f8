package metrics

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/daemon"
)

// Metrics that are off take every call and do nothing.
func TestNilMetricsDoNothing(t *testing.T) {
	var m *Metrics
	m.AddSources(Sources{Waiters: func() int64 { return 1 }})
	m.ObserveRequest("SubmitJob", time.Millisecond, nil)
	m.ObserveJobStart(time.Millisecond)
	assert.Nil(t, m.Syncer(), "the plain syncer")
	e, err := m.Listen("unix:" + filepath.Join(t.TempDir(), "metrics.sock"))
	require.NoError(t, err)
	assert.Nil(t, e)
	e.Serve(slog.New(slog.DiscardHandler))
	e.Close()
}

func TestUnixEndpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.sock")
	m := New()
	m.ObserveRequest("SubmitJob", time.Millisecond, nil)
	e, err := m.Listen("unix:" + path)
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o660), fi.Mode().Perm())

	e.Serve(slog.New(slog.DiscardHandler))
	body := get(t, path)
	assert.Contains(t, body, `goluxid_luxi_requests_total{method="SubmitJob",outcome="ok"} 1`)

	_, err = New().Listen("unix:" + path)
	assert.ErrorIs(t, err, daemon.ErrSocketInUse, "a live endpoint is left alone")

	e.Close()
	_, err = os.Stat(path)
	assert.True(t, os.IsNotExist(err), "the socket is removed on Close")
}

func TestOnlyLoopbackIsServed(t *testing.T) {
	_, err := New().Listen("0.0.0.0:9000")
	assert.ErrorContains(t, err, "only loopback addresses are served")
	_, err = New().Listen("nonsense")
	assert.ErrorContains(t, err, "want unix:PATH or HOST:PORT")
}

// get GETs /metrics over the Unix socket at path.
func get(t *testing.T, path string) string {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", path)
		},
	}}
	defer client.CloseIdleConnections()
	resp, err := client.Get("http://goluxid/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(data)
}
