package luxi

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

// parseFailure is the exact answer to a request that cannot be decoded.
func parseFailure(detail string) string {
	b, _ := json.Marshal("Failed to parse request: " + detail)
	return `{"success":false,"result":` + string(b) + `}`
}

func TestServerRefusesBadRequests(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler), func(s *Server) { s.MaxMessageSize = 1024 })
	tests := []struct {
		name string
		send string // written in one go, terminators included
		want string
	}{
		{"not JSON", "hello\x03",
			parseFailure("parsing top-level JSON message: Invalid JSON: a JSON text a serialized object or array at the top level.")},
		{"leading whitespace", "\n" + goodRequest + "\x03",
			parseFailure("parsing top-level JSON message: Invalid JSON: a JSON text a serialized object or array at the top level.")},
		{"without method", `{"args": []}` + "\x03",
			parseFailure(`key 'method' not found, object contains only ["args"]`)},
		{"without args", `{"method": "QueryClusterInfo"}` + "\x03",
			parseFailure(`key 'args' not found, object contains only ["method"]`)},
		{"unknown method", `{"method": "Nope", "args": []}` + "\x03",
			parseFailure(`Unable to parse LUXI request method: Invalid string value for type LuxiReq: "Nope"`)},
		{"handler cannot decode the arguments", `{"method": "SetDrainFlag", "args": [1]}` + "\x03",
			parseFailure(`Cannot convert value '[1]', error: Unable to read Bool`)},
		{"larger than the limit", `{"method": "QueryClusterInfo", "args": ["` + strings.Repeat("x", 2000) + `"]}` + "\x03",
			parseFailure("message longer than the limit of 1024 bytes")},
		{"larger than the limit without terminator", strings.Repeat("x", 1100),
			parseFailure("message longer than the limit of 1024 bytes")},
		{"requests after a bad one are not answered", "bad\x03" + goodRequest + "\x03",
			parseFailure("parsing top-level JSON message: Invalid JSON: a JSON text a serialized object or array at the top level.")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := dialRaw(t, ts.path)
			c.send(tc.send)
			assert.Equal(t, tc.want, c.recv())
			c.expectClosed()
			ts.expectServing(t)
		})
	}
	assert.Equal(t, uint64(len(tests)), ts.Stats().ParseErrors)
}

func TestServerKeepsConnectionAfterHandlerError(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler))
	c := dialRaw(t, ts.path)
	assert.Equal(t, `{"success":false,"result":["GenericError",["Luxi call 'PickupJob' is for internal use only"]]}`,
		c.call(`{"method":"PickupJob","args":[1]}`))
	assert.Equal(t, goodAnswer, c.call(goodRequest))
	assert.Equal(t, `{"success":true,"result":true}`, c.call(`{"method":"SetDrainFlag","args":[true]}`))
	assert.Equal(t, uint64(1), ts.Stats().Failed)
	assert.Equal(t, uint64(3), ts.Stats().Requests)
}

func TestServerSurvivesHandlerPanic(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler))
	c := dialRaw(t, ts.path)
	assert.Equal(t, `{"success":false,"result":["GenericError",["Internal error while handling CancelJob: boom"]]}`,
		c.call(`{"method":"CancelJob","args":[1]}`))
	assert.Equal(t, goodAnswer, c.call(goodRequest), "the connection stays usable")
	ts.expectServing(t)
	assert.Equal(t, uint64(1), ts.Stats().Panics)
	rec := ts.logs.waitFor(t, "LUXI handler panicked")
	assert.Equal(t, slog.LevelError, rec.Level)
	assert.Contains(t, attr(rec, "stack"), "testHandler")
}

func TestServerClosesCutOffMessageQuietly(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler))
	c := dialRaw(t, ts.path)
	c.send(`{"method": "QueryClus`)
	require.NoError(t, c.conn.CloseWrite())
	c.expectClosed()
	ts.logs.waitFor(t, "LUXI connection closed by client inside a message")
	assert.Empty(t, ts.logs.above(slog.LevelDebug))
	ts.expectServing(t)
}

func TestServerClosesIdleConnection(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler), func(s *Server) { s.IdleTimeout = 50 * time.Millisecond })
	silent := dialRaw(t, ts.path)
	silent.expectClosed()

	answered := dialRaw(t, ts.path)
	assert.Equal(t, goodAnswer, answered.call(goodRequest))
	answered.expectClosed()

	ts.logs.waitFor(t, "closing idle LUXI connection")
	assert.Empty(t, ts.logs.above(slog.LevelDebug))
	ts.expectServing(t)
}

func TestServerAnswersPipelinedRequestsInOrder(t *testing.T) {
	// The first request blocks until the later ones have certainly been
	// received; their answers must still come after its.
	release := make(chan struct{})
	h := HandlerFunc(func(ctx context.Context, req Request) (any, error) {
		if string(req.Args) == "[1]" {
			<-release
		}
		return testHandler(ctx, req)
	})
	ts := startServer(t, h)
	c := dialRaw(t, ts.path)
	var stream strings.Builder
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(&stream, "{\"method\":\"QueryClusterInfo\",\"args\":[%d]}\n\x03", i)
	}
	stream.WriteString(`{"method":"PickupJob","args":[]}` + "\x03")
	stream.WriteString(`{"method":"QueryClusterInfo","args":[5]}` + "\x03")
	c.send(stream.String())
	close(release)
	for i := 1; i <= 3; i++ {
		assert.Equal(t, fmt.Sprintf(`{"success":true,"result":{"args":[%d],"method":"QueryClusterInfo"}}`, i), c.recv())
	}
	assert.Equal(t, `{"success":false,"result":["GenericError",["Luxi call 'PickupJob' is for internal use only"]]}`, c.recv())
	assert.Equal(t, `{"success":true,"result":{"args":[5],"method":"QueryClusterInfo"}}`, c.recv())
}

func TestServerReassemblesSplitWrites(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler))
	c := dialRaw(t, ts.path)
	for _, b := range []byte(goodRequest + "\x03") {
		c.send(string([]byte{b}))
	}
	assert.Equal(t, goodAnswer, c.recv())
}

func TestServerAnswersUTF8(t *testing.T) {
	h := HandlerFunc(func(ctx context.Context, req Request) (any, error) {
		var args []string
		if err := json.Unmarshal(req.Args, &args); err != nil {
			return nil, ParseErrorf("%v", err)
		}
		return args, nil
	})
	ts := startServer(t, h)
	c := dialRaw(t, ts.path)
	assert.Equal(t, `{"success":true,"result":["é✓","<&>"]}`,
		c.call(`{"method":"QueryTags","args":["é✓","\u003c&>"]}`))
}

// raiseFileLimit lets the process hold n more descriptors if it may.
func raiseFileLimit(t *testing.T, n uint64) {
	var lim syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim))
	if lim.Cur >= n {
		return
	}
	want := lim
	want.Cur = min(n, lim.Max)
	require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want))
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim) })
	if want.Cur < n {
		prereq.Missing(t, "needs %d file descriptors, the hard limit is %d", n, lim.Max)
	}
}

func TestServerServesManyConnectionsConcurrently(t *testing.T) {
	const clients = 1000
	raiseFileLimit(t, 2*clients+200)

	// Every handler waits until all requests are being handled at once:
	// only a server with a goroutine per connection gets there.
	var arrived atomic.Int32
	allIn := make(chan struct{})
	h := HandlerFunc(func(ctx context.Context, req Request) (any, error) {
		if arrived.Add(1) == clients {
			close(allIn)
		}
		select {
		case <-allIn:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return testHandler(ctx, req)
	})
	ts := startServer(t, h)

	conns := make([]*rawConn, clients)
	for i := range conns {
		conns[i] = dialRetry(t, ts.path)
	}
	var wg sync.WaitGroup
	answers := make([]string, clients)
	for i, c := range conns {
		wg.Go(func() {
			if _, err := c.conn.Write([]byte(fmt.Sprintf("{\"method\":\"QueryClusterInfo\",\"args\":[%d]}\x03", i))); err != nil {
				answers[i] = err.Error()
				return
			}
			msg, err := c.r.ReadMessage()
			if err != nil {
				answers[i] = err.Error()
				return
			}
			answers[i] = string(msg)
		})
	}
	wg.Wait()
	for i, got := range answers {
		require.Equal(t, fmt.Sprintf(`{"success":true,"result":{"args":[%d],"method":"QueryClusterInfo"}}`, i), got, "client %d", i)
	}
	assert.Equal(t, int64(clients), ts.Stats().Open)
	for _, c := range conns {
		c.conn.Close()
	}
}

// dialRetry dials, retrying while the listen queue is full: a Unix socket
// connect fails with EAGAIN then instead of waiting, and there is no
// event to wait for.
func dialRetry(t *testing.T, path string) *rawConn {
	t.Helper()
	var lastErr error
	for range 1000 {
		c, err := tryDialRaw(t, path)
		if err == nil {
			return c
		}
		require.ErrorIs(t, err, syscall.EAGAIN)
		lastErr = err
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, lastErr)
	return nil
}

func TestRequestsLoggedWithPeerCredentials(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler))
	c := dialRaw(t, ts.path)
	assert.Equal(t, goodAnswer, c.call(goodRequest))
	rec := ts.logs.waitFor(t, "LUXI request handled")
	got := map[string]int64{}
	rec.Attrs(func(a slog.Attr) bool {
		if strings.HasPrefix(a.Key, "peer_") {
			got[a.Key] = a.Value.Int64()
		}
		return true
	})
	assert.Equal(t, map[string]int64{
		"peer_pid": int64(os.Getpid()), "peer_uid": int64(os.Getuid()), "peer_gid": int64(os.Getgid()),
	}, got, "who sent the request, as the kernel tells")
}
