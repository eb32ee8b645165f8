package luxi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/uds"
)

// testTimeout bounds every wait of the tests; nothing should come close.
const testTimeout = 20 * time.Second

// testServer is a Server on a Unix socket in a fresh directory.
type testServer struct {
	*Server
	path   string
	logs   *logRecorder
	served chan error
}

// startServer serves h on a new socket; configure adjusts the server
// before it starts. The server is shut down when the test ends.
func startServer(t *testing.T, h Handler, configure ...func(*Server)) *testServer {
	t.Helper()
	// Unix socket paths are limited to 107 bytes; t.TempDir() can be longer.
	dir, err := os.MkdirTemp("", "lx")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "s")
	l, err := net.Listen("unix", path)
	require.NoError(t, err)

	logs := &logRecorder{changed: make(chan struct{})}
	ts := &testServer{
		Server: &Server{Handler: h, Logger: slog.New(&logHandler{rec: logs})},
		path:   path,
		logs:   logs,
		served: make(chan error, 1),
	}
	for _, f := range configure {
		f(ts.Server)
	}
	go func() { ts.served <- ts.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		assert.NoError(t, ts.Shutdown(ctx))
		assert.ErrorIs(t, <-ts.served, ErrServerClosed)
	})
	return ts
}

// testHandler answers the requests of the tests:
//   - QueryClusterInfo echoes method and args;
//   - SetDrainFlag wants [bool] and fails to decode anything else;
//   - PickupJob fails like the real luxid;
//   - CancelJob panics;
//   - anything else is a GenericError naming the method.
func testHandler(ctx context.Context, req Request) (any, error) {
	switch req.Method {
	case MethodQueryClusterInfo:
		return map[string]any{"method": req.Method, "args": req.Args}, nil
	case MethodSetDrainFlag:
		var args []bool
		if json.Unmarshal(req.Args, &args) != nil || len(args) != 1 {
			return nil, ParseErrorf("Cannot convert value '%s', error: Unable to read Bool", req.Args)
		}
		return true, nil
	case MethodPickupJob:
		return nil, gerrors.Generic("Luxi call 'PickupJob' is for internal use only")
	case MethodCancelJob:
		panic("boom")
	}
	return nil, gerrors.Generic("unexpected %s", req.Method)
}

// goodRequest and goodAnswer are an exchange every test server serves.
const (
	goodRequest = `{"method": "QueryClusterInfo", "args": [], "version": 3000000}` + "\n"
	goodAnswer  = `{"success":true,"result":{"args":[],"method":"QueryClusterInfo"}}`
)

// rawConn is a client connection that sends and checks exact bytes.
type rawConn struct {
	t    *testing.T
	conn *net.UnixConn
	r    *uds.Reader
}

func dialRaw(t *testing.T, path string) *rawConn {
	t.Helper()
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	require.NoError(t, conn.SetDeadline(time.Now().Add(testTimeout)))
	return &rawConn{t: t, conn: conn, r: uds.NewReader(conn, 0)}
}

// send writes b as it is, in one write.
func (c *rawConn) send(b string) {
	c.t.Helper()
	_, err := c.conn.Write([]byte(b))
	require.NoError(c.t, err)
}

// recv reads one message.
func (c *rawConn) recv() string {
	c.t.Helper()
	msg, err := c.r.ReadMessage()
	require.NoError(c.t, err)
	return string(msg)
}

// call sends msg with its terminator and returns the answer.
func (c *rawConn) call(msg string) string {
	c.t.Helper()
	c.send(msg + "\x03")
	return c.recv()
}

// expectClosed checks that the server closes the connection without
// sending anything more.
func (c *rawConn) expectClosed() {
	c.t.Helper()
	msg, err := c.r.ReadMessage()
	if errors.Is(err, syscall.ECONNRESET) {
		return // the server closed with unread bytes of ours pending
	}
	require.ErrorIs(c.t, err, io.EOF, "got %q", msg)
}

// expectServing checks that a fresh client is served.
func (ts *testServer) expectServing(t *testing.T) {
	t.Helper()
	c := dialRaw(t, ts.path)
	assert.Equal(t, goodAnswer, c.call(goodRequest))
	c.conn.Close()
}

// logRecorder keeps the records logged by a server.
type logRecorder struct {
	mu      sync.Mutex // guards the fields below
	records []slog.Record
	changed chan struct{} // closed and replaced at each record
}

// logHandler is the slog.Handler writing to a logRecorder.
type logHandler struct {
	rec   *logRecorder
	attrs []slog.Attr
}

func (h *logHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	r = r.Clone()
	r.AddAttrs(h.attrs...)
	h.rec.mu.Lock()
	defer h.rec.mu.Unlock()
	h.rec.records = append(h.rec.records, r)
	close(h.rec.changed)
	h.rec.changed = make(chan struct{})
	return nil
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &logHandler{rec: h.rec, attrs: append(append([]slog.Attr(nil), h.attrs...), attrs...)}
}

func (h *logHandler) WithGroup(string) slog.Handler { return h }

// waitFor waits until a record with message msg was logged and returns it.
func (l *logRecorder) waitFor(t *testing.T, msg string) slog.Record {
	t.Helper()
	timeout := time.After(testTimeout)
	for {
		l.mu.Lock()
		for _, r := range l.records {
			if r.Message == msg {
				l.mu.Unlock()
				return r
			}
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("no log record %q", msg)
		}
	}
}

// above returns the messages logged above level.
func (l *logRecorder) above(level slog.Level) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var msgs []string
	for _, r := range l.records {
		if r.Level > level {
			msgs = append(msgs, r.Message)
		}
	}
	return msgs
}

// attr returns the value of the attribute key of r.
func attr(r slog.Record, key string) string {
	var v string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v = a.Value.String()
			return false
		}
		return true
	})
	return v
}

// tryDialRaw is dialRaw returning the dial error.
func tryDialRaw(t *testing.T, path string) (*rawConn, error) {
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.SetDeadline(time.Now().Add(testTimeout)); err != nil {
		return nil, err
	}
	return &rawConn{t: t, conn: conn, r: uds.NewReader(conn, 0)}, nil
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, req Request) (any, error)

// ServeLUXI calls f.
func (f HandlerFunc) ServeLUXI(ctx context.Context, req Request) (any, error) {
	return f(ctx, req)
}

// Stats are counters of a Server since it was created.
type Stats struct {
	Accepted    uint64 // connections accepted
	Open        int64  // connections open now
	Requests    uint64 // messages received
	Failed      uint64 // requests answered with an encoded error
	ParseErrors uint64 // requests answered with a parse-error string
	Panics      uint64 // handler panics recovered
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	return Stats{
		Accepted:    s.stats.accepted.Load(),
		Open:        s.stats.open.Load(),
		Requests:    s.stats.requests.Load(),
		Failed:      s.stats.failed.Load(),
		ParseErrors: s.stats.parseErrors.Load(),
		Panics:      s.stats.panics.Load(),
	}
}

// Close stops the server at once: it closes the listeners and every
// connection, cancels the handlers' contexts and waits for the
// connection goroutines to end. Answers in flight are lost.
func (s *Server) Close() error {
	s.inShutdown.Store(true)
	err := s.closeListeners()
	s.closeAllConns()
	s.connWG.Wait()
	return err
}
