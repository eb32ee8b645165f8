package luxi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// blockingHandler lets the test see when a slow request started and
// decide when it ends.
type blockingHandler struct {
	started chan struct{}
	release chan struct{}
	// ended receives the handler's context error when it returns.
	ended chan error
}

func newBlockingHandler() *blockingHandler {
	return &blockingHandler{started: make(chan struct{}, 1), release: make(chan struct{}), ended: make(chan error, 1)}
}

func (h *blockingHandler) ServeLUXI(ctx context.Context, req Request) (any, error) {
	if req.Method != MethodWaitForJobChange {
		return testHandler(ctx, req)
	}
	h.started <- struct{}{}
	defer func() { h.ended <- ctx.Err() }()
	select {
	case <-h.release:
		return "done", nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

const slowRequest = `{"method":"WaitForJobChange","args":[1,["status"],null,null,10]}`

func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	h := newBlockingHandler()
	ts := startServer(t, h)
	busy := dialRaw(t, ts.path)
	idle := dialRaw(t, ts.path)
	assert.Equal(t, goodAnswer, idle.call(goodRequest))
	busy.send(slowRequest + "\x03")
	<-h.started

	shutdown := make(chan error, 1)
	go func() { shutdown <- ts.Shutdown(context.Background()) }()

	idle.expectClosed()
	assert.ErrorIs(t, <-ts.served, ErrServerClosed)
	ts.served <- ErrServerClosed // for the cleanup's check
	_, err := tryDialRaw(t, ts.path)
	assert.Error(t, err, "no new connections")
	select {
	case err := <-shutdown:
		t.Fatalf("Shutdown returned %v with a request in flight", err)
	default:
	}

	close(h.release)
	assert.Equal(t, `{"success":true,"result":"done"}`, busy.recv(), "the request in flight is answered")
	busy.expectClosed()
	require.NoError(t, <-shutdown)
	assert.NoError(t, <-h.ended)
}

func TestShutdownForcesCloseWhenContextEnds(t *testing.T) {
	h := newBlockingHandler()
	ts := startServer(t, h)
	busy := dialRaw(t, ts.path)
	busy.send(slowRequest + "\x03")
	<-h.started

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, ts.Shutdown(ctx), context.Canceled)
	assert.ErrorIs(t, <-h.ended, context.Canceled, "the handler's context is cancelled")
	busy.expectClosed()
	assert.ErrorIs(t, <-ts.served, ErrServerClosed)
	ts.served <- ErrServerClosed
}

func TestCloseStopsEverything(t *testing.T) {
	h := newBlockingHandler()
	ts := startServer(t, h)
	busy := dialRaw(t, ts.path)
	idle := dialRaw(t, ts.path)
	busy.send(slowRequest + "\x03")
	<-h.started

	require.NoError(t, ts.Close())
	assert.ErrorIs(t, <-h.ended, context.Canceled)
	busy.expectClosed()
	idle.expectClosed()
	assert.ErrorIs(t, <-ts.served, ErrServerClosed)
	ts.served <- ErrServerClosed
	assert.Equal(t, int64(0), ts.Stats().Open)
}

func TestServeAfterShutdown(t *testing.T) {
	s := &Server{Handler: HandlerFunc(testHandler)}
	require.NoError(t, s.Shutdown(context.Background()))
	l := newFakeListener()
	assert.ErrorIs(t, s.Serve(l), ErrServerClosed)
	assert.True(t, l.isClosed(), "Serve closes its listener")
}

func TestServeWithoutHandler(t *testing.T) {
	s := &Server{}
	l := newFakeListener()
	assert.Error(t, s.Serve(l))
	assert.True(t, l.isClosed())
}

func TestServeReturnsPermanentAcceptError(t *testing.T) {
	s := &Server{Handler: HandlerFunc(testHandler)}
	l := newFakeListener(errors.New("listener broke"))
	err := s.Serve(l)
	assert.ErrorContains(t, err, "listener broke")
	assert.NotErrorIs(t, err, ErrServerClosed)
	assert.True(t, l.isClosed())
}

func TestServeRetriesWhenOutOfDescriptors(t *testing.T) {
	s := &Server{Handler: HandlerFunc(testHandler)}
	emfile := &net.OpError{Op: "accept", Net: "unix", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	l := newFakeListener(emfile, emfile)
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()

	client, server := net.Pipe()
	l.conns <- server
	c := NewClient(client)
	got, err := c.Call(context.Background(), MethodQueryClusterInfo, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"args":[],"method":"QueryClusterInfo"}`, string(got))
	c.Close()

	require.NoError(t, s.Shutdown(context.Background()))
	assert.ErrorIs(t, <-served, ErrServerClosed)
}

func TestServeOnSeveralListeners(t *testing.T) {
	ts := startServer(t, HandlerFunc(testHandler))
	path := filepath.Join(filepath.Dir(ts.path), "second")
	l, err := net.Listen("unix", path)
	require.NoError(t, err)
	second := make(chan error, 1)
	go func() { second <- ts.Serve(l) }()
	c := dialRaw(t, path)
	assert.Equal(t, goodAnswer, c.call(goodRequest))
	ts.expectServing(t)
	require.NoError(t, ts.Shutdown(context.Background()))
	assert.ErrorIs(t, <-second, ErrServerClosed)
}

// fakeListener hands out the connections sent on conns, after first
// failing with errs.
type fakeListener struct {
	conns chan net.Conn
	errs  []error // used by the Serve goroutine only
	done  chan struct{}
}

func newFakeListener(errs ...error) *fakeListener {
	return &fakeListener{conns: make(chan net.Conn), errs: errs, done: make(chan struct{})}
}

func (l *fakeListener) Accept() (net.Conn, error) {
	if len(l.errs) > 0 {
		err := l.errs[0]
		l.errs = l.errs[1:]
		return nil, err
	}
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, fmt.Errorf("accept: %w", net.ErrClosed)
	}
}

func (l *fakeListener) isClosed() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// Close closes the listener; Serve's onceCloseListener calls it once.
func (l *fakeListener) Close() error {
	close(l.done)
	return nil
}

func (l *fakeListener) Addr() net.Addr { return &net.UnixAddr{Name: "fake", Net: "unix"} }
