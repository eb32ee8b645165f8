package luxi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/uds"
)

// States of a server connection. A connection is idle while it waits for
// a request, active while it handles one, closed once Shutdown took it.
const (
	stateIdle int32 = iota
	stateActive
	stateClosed
)

// conn is one client connection of a Server.
type conn struct {
	srv   *Server
	rwc   net.Conn
	id    uint64
	state atomic.Int32
}

// closeIfIdle closes the connection if it is waiting for a request.
func (c *conn) closeIfIdle() {
	if c.state.CompareAndSwap(stateIdle, stateClosed) {
		c.rwc.Close()
	}
}

// closeNow closes the connection whatever it is doing.
func (c *conn) closeNow() {
	c.state.Store(stateClosed)
	c.rwc.Close()
}

// serve reads requests and answers them in order until the client goes
// away, a request cannot be decoded, or the server shuts down.
func (c *conn) serve(ctx context.Context) {
	defer c.rwc.Close()
	log := c.srv.logger().With(append([]any{"conn", c.id}, peerAttrs(c.rwc)...)...)
	log.Debug("LUXI connection accepted")
	reader := uds.NewReader(deadlineReader{c.rwc, timeout(c.srv.IdleTimeout, DefaultIdleTimeout)}, c.srv.maxMessageSize())
	writer := uds.NewWriter(c.rwc)
	for {
		c.state.Store(stateIdle)
		if c.srv.inShutdown.Load() {
			log.Debug("closing LUXI connection for shutdown")
			return
		}
		msg, err := reader.ReadMessage()
		if errors.Is(err, uds.ErrTooLarge) {
			c.srv.stats.parseErrors.Add(1)
			pe := ParseErrorf("message longer than the limit of %d bytes", c.srv.maxMessageSize())
			log.Warn("refusing LUXI request", "error", pe.Error())
			c.write(log, writer, encodeParseError(pe))
			return
		}
		if err != nil {
			logReadEnd(log, err)
			return
		}
		if !c.state.CompareAndSwap(stateIdle, stateActive) {
			return // closed by Shutdown while the request arrived
		}
		c.srv.stats.requests.Add(1)
		answer, keepOpen := c.srv.answer(ctx, log, msg)
		if !c.write(log, writer, answer) || !keepOpen {
			return
		}
	}
}

// write sends one answer, reporting whether that worked.
func (c *conn) write(log *slog.Logger, w *uds.Writer, answer []byte) bool {
	if d := timeout(c.srv.WriteTimeout, DefaultWriteTimeout); d > 0 {
		c.rwc.SetWriteDeadline(time.Now().Add(d))
	}
	if err := w.WriteMessage(answer); err != nil {
		log.Debug("writing LUXI answer failed", "error", err)
		return false
	}
	return true
}

// logReadEnd logs why reading from a client stopped: ordinary ends at
// debug level, anything unexpected as a warning.
func logReadEnd(log *slog.Logger, err error) {
	switch {
	case errors.Is(err, io.EOF):
		log.Debug("LUXI connection closed by client")
	case errors.Is(err, uds.ErrTruncated):
		log.Debug("LUXI connection closed by client inside a message")
	case errors.Is(err, os.ErrDeadlineExceeded):
		log.Debug("closing idle LUXI connection")
	case errors.Is(err, net.ErrClosed), errors.Is(err, syscall.ECONNRESET):
		log.Debug("LUXI connection closed", "error", err)
	default:
		log.Warn("reading a LUXI request failed", "error", err)
	}
}

// answer decodes and handles one message. It returns the response and
// whether the connection stays open.
func (s *Server) answer(ctx context.Context, log *slog.Logger, msg []byte) ([]byte, bool) {
	req, err := DecodeRequest(msg)
	if err != nil {
		return s.refuse(log, "", err), false
	}
	start := time.Now()
	result, err := s.call(ctx, log, req)
	took := time.Since(start)
	if s.Observe != nil {
		s.Observe(req.Method, took, err)
	}
	log = log.With("method", req.Method, "duration", took)
	var pe *ParseError
	switch {
	case errors.As(err, &pe):
		return s.refuse(log, req.Method, pe), false
	case err != nil:
		s.stats.failed.Add(1)
		log.Info("LUXI request failed", "error", err)
		return mustEncode(log, false, gerrors.Encode(err)), true
	}
	out, err := EncodeResponse(true, result)
	if err != nil {
		s.stats.failed.Add(1)
		log.Error("LUXI result cannot be encoded", "error", err)
		return mustEncode(log, false, gerrors.Encode(gerrors.Generic("%s: cannot encode the result: %v", req.Method, err))), true
	}
	log.Debug("LUXI request handled")
	return out, true
}

// call runs the handler, turning a panic into a GenericError.
func (s *Server) call(ctx context.Context, log *slog.Logger, req Request) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.stats.panics.Add(1)
			log.Error("LUXI handler panicked", "method", req.Method, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			result, err = nil, gerrors.Generic("Internal error while handling %s: %v", req.Method, p)
		}
	}()
	return s.Handler.ServeLUXI(ctx, req)
}

// refuse answers a request that cannot be decoded.
func (s *Server) refuse(log *slog.Logger, method string, err error) []byte {
	s.stats.parseErrors.Add(1)
	if method != "" {
		log = log.With("method", method)
	}
	log.Warn("refusing LUXI request", "error", err.Error())
	return encodeParseError(err)
}

// encodeParseError is the answer to an undecodable request: its text as
// a plain string.
func encodeParseError(err error) []byte {
	out, _ := EncodeResponse(false, err.Error())
	return out
}

// mustEncode encodes a response whose result is made of plain values; a
// failure would be a bug, answered with a fixed GenericError.
func mustEncode(log *slog.Logger, success bool, result any) []byte {
	out, err := EncodeResponse(success, result)
	if err != nil {
		log.Error("LUXI error answer cannot be encoded", "error", err)
		out = []byte(`{"success":false,"result":["GenericError",["error answer cannot be encoded"]]}`)
	}
	return out
}

// deadlineReader limits each read from a connection to d, as the real
// luxid limits each receive; d == 0 means no limit.
type deadlineReader struct {
	conn net.Conn
	d    time.Duration
}

func (r deadlineReader) Read(p []byte) (int, error) {
	if r.d > 0 {
		r.conn.SetReadDeadline(time.Now().Add(r.d))
	}
	return r.conn.Read(p)
}

// peerAttrs are the log attributes of the process at the other end of a
// Unix socket (SO_PEERCRED): who sent the requests logged with them. None
// for other connections.
func peerAttrs(rwc net.Conn) []any {
	uc, ok := rwc.(*net.UnixConn)
	if !ok {
		return nil
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return nil
	}
	var cred *unix.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil || credErr != nil {
		return nil
	}
	return []any{"peer_pid", int(cred.Pid), "peer_uid", int(cred.Uid), "peer_gid", int(cred.Gid)}
}
