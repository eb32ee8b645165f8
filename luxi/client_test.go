package luxi

import (
	"context"
	"errors"
	"fmt"
	"io"
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

func dialClient(t *testing.T, path string) *Client {
	t.Helper()
	c, err := Dial(path)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestClientCall(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler))
	c := dialClient(t, ts.path)
	ctx := context.Background()

	got, err := c.Call(ctx, MethodQueryClusterInfo, []any{"a", 1})
	require.NoError(t, err)
	assert.JSONEq(t, `{"args":["a",1],"method":"QueryClusterInfo"}`, string(got))

	got, err = c.Call(ctx, MethodSetDrainFlag, []bool{true})
	require.NoError(t, err)
	assert.Equal(t, `true`, string(got))

	_, err = c.Call(ctx, MethodPickupJob, []int{1})
	var ge *gerrors.Error
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, gerrors.New(gerrors.GenericError, "Luxi call 'PickupJob' is for internal use only"), ge)

	got, err = c.Call(ctx, MethodQueryClusterInfo, nil)
	require.NoError(t, err, "a failed call leaves the connection usable")
	assert.JSONEq(t, `{"args":[],"method":"QueryClusterInfo"}`, string(got))
}

func TestClientRequestErrorEndsConnection(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler))
	c := dialClient(t, ts.path)
	_, err := c.Call(context.Background(), MethodSetDrainFlag, []int{1})
	var re *RequestError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "Failed to parse request: Cannot convert value '[1]', error: Unable to read Bool", re.Text)
	assert.Equal(t, re.Text, err.Error())

	_, err = c.Call(context.Background(), MethodQueryClusterInfo, nil)
	assert.ErrorIs(t, err, ErrConnectionClosed)
}

func TestClientSendsPythonLikeRequest(t *testing.T) {
	got := make(chan string, 1)
	path := rawServer(t, func(conn net.Conn) {
		msg, err := uds.NewReader(conn, 0).ReadMessage()
		if err != nil {
			got <- err.Error()
			return
		}
		got <- string(msg)
		uds.NewWriter(conn).WriteMessage([]byte(`{"success":true,"result":[]}`))
	})
	c := dialClient(t, path)
	res, err := c.Call(context.Background(), MethodQueryJobs, []any{[]int{1, 2}, []string{"id", "status"}})
	require.NoError(t, err)
	assert.Equal(t, `[]`, string(res))
	assert.Equal(t, `{"method":"QueryJobs","args":[[1,2],["id","status"]],"version":3000000}`+"\n", <-got)
}

func TestClientDecodesFailures(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		check  func(t *testing.T, err error)
	}{
		{"exception with code", `{"success":false,"result":["OpPrereqError",["Node name x not found","unknown_entity"]]}`, func(t *testing.T, err error) {
			var ge *gerrors.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, gerrors.OpPrereq("Node name x not found", gerrors.CodeNoEnt), ge)
		}},
		{"exception without arguments", `{"success":false,"result":["JobQueueFull",[]]}`, func(t *testing.T, err error) {
			var ge *gerrors.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, gerrors.New(gerrors.JobQueueFull), ge)
		}},
		{"string", `{"success":false,"result":"Failed to parse request: x"}`, func(t *testing.T, err error) {
			assert.Equal(t, &RequestError{Text: "Failed to parse request: x"}, err)
		}},
		{"other value", `{"success":false,"result":42}`, func(t *testing.T, err error) {
			assert.Equal(t, &RequestError{Text: "42"}, err)
		}},
		{"pair without argument list", `{"success":false,"result":["GenericError",null]}`, func(t *testing.T, err error) {
			assert.Equal(t, &RequestError{Text: `["GenericError",null]`}, err)
		}},
		{"not a response", `nope`, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, ErrProtocol)
		}},
		{"version mismatch", `{"success":true,"result":1,"version":2}`, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, ErrProtocol)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := rawServer(t, func(conn net.Conn) {
				if _, err := uds.NewReader(conn, 0).ReadMessage(); err == nil {
					uds.NewWriter(conn).WriteMessage([]byte(tc.answer))
				}
			})
			c := dialClient(t, path)
			_, err := c.Call(context.Background(), MethodQueryClusterInfo, nil)
			require.Error(t, err)
			tc.check(t, err)
		})
	}
}

func TestClientConnectionClosedByServer(t *testing.T) {
	path := rawServer(t, func(conn net.Conn) {
		uds.NewReader(conn, 0).ReadMessage()
	})
	c := dialClient(t, path)
	_, err := c.Call(context.Background(), MethodQueryClusterInfo, nil)
	assert.ErrorIs(t, err, ErrConnectionClosed)
	assert.ErrorIs(t, err, io.EOF)
	_, err = c.Call(context.Background(), MethodQueryClusterInfo, nil)
	assert.ErrorIs(t, err, ErrConnectionClosed)
}

func TestClientAfterIdleTimeout(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler), func(s *Server) { s.IdleTimeout = 20 * time.Millisecond })
	c := dialClient(t, ts.path)
	ts.logs.waitFor(t, "closing idle LUXI connection")
	_, err := c.Call(context.Background(), MethodQueryClusterInfo, nil)
	assert.ErrorIs(t, err, ErrConnectionClosed)
}

func TestClientCancelledCall(t *testing.T) {
	h := newBlockingHandler()
	ts := startServer(t, h)
	c := dialClient(t, ts.path)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Call(ctx, MethodWaitForJobChange, []any{1})
		done <- err
	}()
	<-h.started
	cancel()
	err := <-done
	assert.ErrorIs(t, err, context.Canceled)
	_, err = c.Call(context.Background(), MethodQueryClusterInfo, nil)
	assert.ErrorIs(t, err, ErrConnectionClosed, "the answer to the abandoned call would come first")
	close(h.release)
}

func TestClientDeadline(t *testing.T) {
	h := newBlockingHandler()
	ts := startServer(t, h)
	c := dialClient(t, ts.path)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Call(ctx, MethodWaitForJobChange, []any{1})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	close(h.release)

	_, err = c.Call(ctx, MethodQueryClusterInfo, nil)
	assert.Error(t, err)
}

func TestClientConcurrentCalls(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler))
	c := dialClient(t, ts.path)
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Go(func() {
			got, err := c.Call(context.Background(), MethodQueryClusterInfo, []int{i})
			if err == nil && string(got) != fmt.Sprintf(`{"args":[%d],"method":"QueryClusterInfo"}`, i) {
				err = fmt.Errorf("call %d got %s", i, got)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	assert.NoError(t, errors.Join(errs...))
	assert.Equal(t, uint64(1), ts.Stats().Accepted)
}

func TestClientCallRaw(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler))
	c := dialClient(t, ts.path)
	got, err := c.CallRaw(context.Background(), []byte(goodRequest))
	require.NoError(t, err)
	assert.Equal(t, goodAnswer, string(got))

	_, err = c.CallRaw(context.Background(), []byte("a\x03b"))
	assert.ErrorIs(t, err, uds.ErrTerminatorInPayload)

	got, err = c.CallRaw(context.Background(), []byte(`{"method":"Nope","args":[]}`))
	require.NoError(t, err)
	assert.Equal(t, parseFailure(`Unable to parse LUXI request method: Invalid string value for type LuxiReq: "Nope"`), string(got))
}

func TestClientClose(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler))
	c := dialClient(t, ts.path)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close())
	_, err := c.Call(context.Background(), MethodQueryClusterInfo, nil)
	assert.ErrorIs(t, err, ErrConnectionClosed)
}

func TestDialMissingSocket(t *testing.T) {
	_, err := Dial(filepath.Join(t.TempDir(), "nothing"))
	assert.ErrorIs(t, err, syscall.ENOENT)
}

// rawServer serves one connection on a new Unix socket with serve and
// closes it afterwards; it returns the socket's path.
func rawServer(t *testing.T, serve func(conn net.Conn)) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "lx")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "s")
	l, err := net.Listen("unix", path)
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(testTimeout))
		serve(conn)
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
	})
	return path
}
