package luxi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/goluxid/goluxid/ganeti/uds"
)

// Default timeouts of a Server, Ganeti's LUXI_DEF_RWTO.
const (
	DefaultIdleTimeout  = 180 * time.Second
	DefaultWriteTimeout = 180 * time.Second
)

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("luxi: server closed")

// Handler answers LUXI requests. ServeLUXI returns the result of a
// successful call, or an error: a *ParseError (also wrapped) for arguments
// that do not decode, any other error for a failed call, encoded with
// gerrors.Encode. Calls on one connection are made one at a time; calls
// on different connections run concurrently. ctx is cancelled when the
// server is closed by force; a handler must then return soon.
type Handler interface {
	ServeLUXI(ctx context.Context, req Request) (any, error)
}

// Server serves LUXI on stream listeners: one goroutine per connection,
// requests on a connection answered strictly in order. The zero value
// with a Handler is ready to use; a Server must not be copied after first
// use.
type Server struct {
	// Handler answers every decoded request.
	Handler Handler
	// Logger receives the server's log; nil discards it.
	Logger *slog.Logger
	// Observe, if set, is told of every decoded request once answered:
	// its method, how long it took and its error (nil on success).
	Observe func(method string, took time.Duration, err error)
	// MaxMessageSize limits one request; 0 means uds.DefaultMaxMessageSize.
	MaxMessageSize int
	// IdleTimeout bounds each read from a client: a client that sends
	// nothing for this long is disconnected without an answer. 0 means
	// DefaultIdleTimeout, a negative value no limit.
	IdleTimeout time.Duration
	// WriteTimeout bounds writing one answer. 0 means
	// DefaultWriteTimeout, a negative value no limit.
	WriteTimeout time.Duration

	inShutdown atomic.Bool
	stats      counters
	nextConnID atomic.Uint64

	mu        sync.Mutex // guards the fields below
	listeners map[*onceCloseListener]struct{}
	conns     map[*conn]struct{}
	baseCtx   context.Context
	cancel    context.CancelFunc
	// connWG counts the connection goroutines; Add happens under mu
	// before shutdown starts, so Wait is never racing a first Add.
	connWG sync.WaitGroup
}

type counters struct {
	accepted, requests, failed, parseErrors, panics atomic.Uint64
	open                                            atomic.Int64
}

// Serve accepts connections on l and serves each in its own goroutine. It
// blocks until l fails or the server is shut down, closes l, and returns
// ErrServerClosed after Shutdown, otherwise the accept error.
func (s *Server) Serve(l net.Listener) error {
	if s.Handler == nil {
		l.Close()
		return errors.New("luxi: Server.Handler is nil")
	}
	ln := &onceCloseListener{Listener: l}
	defer ln.Close()
	if !s.trackListener(ln, true) {
		return ErrServerClosed
	}
	defer s.trackListener(ln, false)

	var backoff time.Duration
	for {
		rwc, err := ln.Accept()
		if err != nil {
			if s.inShutdown.Load() {
				return ErrServerClosed
			}
			if !retriableAcceptError(err) {
				return fmt.Errorf("luxi: accepting connections: %w", err)
			}
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.logger().Warn("accepting a LUXI connection failed; retrying", "error", err, "delay", backoff)
			if !s.pause(backoff) {
				return ErrServerClosed
			}
			continue
		}
		backoff = 0
		s.startConn(rwc)
	}
}

// pause waits for d, returning false if the server is shut down meanwhile.
func (s *Server) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.context().Done():
		return false
	}
}

// retriableAcceptError reports whether Accept may succeed when tried again:
// out of descriptors or memory, or a connection that went away while
// queued.
func retriableAcceptError(err error) bool {
	for _, errno := range []syscall.Errno{
		syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM,
		syscall.ECONNABORTED, syscall.EINTR, syscall.EAGAIN, syscall.EPROTO,
	} {
		if errors.Is(err, errno) {
			return true
		}
	}
	return false
}

// startConn registers rwc and starts its goroutine, or closes it when the
// server is shutting down.
func (s *Server) startConn(rwc net.Conn) {
	s.stats.accepted.Add(1)
	c := &conn{srv: s, rwc: rwc, id: s.nextConnID.Add(1)}
	s.mu.Lock()
	if s.inShutdown.Load() {
		s.mu.Unlock()
		rwc.Close()
		return
	}
	if s.conns == nil {
		s.conns = make(map[*conn]struct{})
	}
	s.conns[c] = struct{}{}
	s.connWG.Add(1)
	ctx, cancel := context.WithCancel(s.contextLocked())
	s.mu.Unlock()
	s.stats.open.Add(1)
	go func() {
		defer s.connWG.Done()
		defer s.stats.open.Add(-1)
		defer s.untrackConn(c)
		defer cancel()
		c.serve(ctx)
	}()
}

func (s *Server) untrackConn(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

// trackListener adds or removes ln; adding fails once shutdown started.
func (s *Server) trackListener(ln *onceCloseListener, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !add {
		delete(s.listeners, ln)
		return true
	}
	if s.inShutdown.Load() {
		return false
	}
	if s.listeners == nil {
		s.listeners = make(map[*onceCloseListener]struct{})
	}
	s.listeners[ln] = struct{}{}
	return true
}

// context returns the context all connection contexts derive from.
func (s *Server) context() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.contextLocked()
}

func (s *Server) contextLocked() context.Context {
	if s.baseCtx == nil {
		s.baseCtx, s.cancel = context.WithCancel(context.Background())
	}
	return s.baseCtx
}

// Shutdown stops the server gracefully: it closes the listeners and the
// idle connections, lets requests in flight finish and answer, and waits
// for every connection to end. If ctx ends first, it closes all
// connections, cancels the handlers' contexts and returns ctx's error
// without waiting further. Serve then returns ErrServerClosed.
func (s *Server) Shutdown(ctx context.Context) error {
	s.inShutdown.Store(true)
	err := s.closeListeners()
	s.closeIdleConns()
	done := make(chan struct{})
	go func() {
		s.connWG.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.cancelContext()
		return err
	case <-ctx.Done():
		s.closeAllConns()
		return ctx.Err()
	}
}

func (s *Server) closeListeners() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for ln := range s.listeners {
		if err := ln.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// closeIdleConns closes the connections waiting for a request. Those
// busy with one see the shutdown when they are done.
func (s *Server) closeIdleConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.closeIfIdle()
	}
}

// closeAllConns closes every connection, then cancels the handlers'
// contexts, so that no answer goes out after the close.
func (s *Server) closeAllConns() {
	s.mu.Lock()
	for c := range s.conns {
		c.closeNow()
	}
	s.mu.Unlock()
	s.cancelContext()
}

func (s *Server) cancelContext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contextLocked()
	s.cancel()
}

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Server) maxMessageSize() int {
	if s.MaxMessageSize <= 0 {
		return uds.DefaultMaxMessageSize
	}
	return s.MaxMessageSize
}

// timeout resolves a configured timeout: 0 is def, negative is none (0).
func timeout(configured, def time.Duration) time.Duration {
	switch {
	case configured == 0:
		return def
	case configured < 0:
		return 0
	}
	return configured
}

// onceCloseListener lets Serve and Shutdown both close a listener.
type onceCloseListener struct {
	net.Listener
	once sync.Once
	err  error
}

func (l *onceCloseListener) Close() error {
	l.once.Do(func() { l.err = l.Listener.Close() })
	return l.err
}
