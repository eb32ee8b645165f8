// Package luxitest runs a LUXI server inside a test's process, as
// net/http/httptest does for HTTP. NewServer serves a luxi.Handler on a
// Unix socket in a fresh temporary directory until the test ends; requests
// reach it through package luxi's real framing, request decoding and
// answer encoding, so a test sees the bytes a Ganeti client would receive.
// Failure reads the failure out of such an answer the way luxi.Client
// reports it: a *gerrors.Error for an encoded exception, a
// *luxi.RequestError for the plain-string answer to a refused request;
// Server.Call does both.
package luxitest

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/goluxid/goluxid/luxi"
)

// timeout bounds each wait of the harness: a call, and the server's
// shutdown at the end of the test.
const timeout = 20 * time.Second

// Server is a LUXI server serving one test.
type Server struct {
	// Socket is the path of the server's Unix socket.
	Socket string
}

// NewServer starts serving h on a new socket. When the test ends the
// server is shut down, and the test fails unless it shut down cleanly.
func NewServer(tb testing.TB, h luxi.Handler) *Server {
	tb.Helper()
	// Unix socket paths are limited to 107 bytes; tb.TempDir() can be longer.
	dir, err := os.MkdirTemp("", "luxitest")
	if err != nil {
		tb.Fatalf("luxitest: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	s := &Server{Socket: filepath.Join(dir, "socket")}
	l, err := net.Listen("unix", s.Socket)
	if err != nil {
		tb.Fatalf("luxitest: %v", err)
	}
	srv := &luxi.Server{Handler: h}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			tb.Errorf("luxitest: shutting the server down: %v", err)
		}
		if err := <-served; !errors.Is(err, luxi.ErrServerClosed) {
			tb.Errorf("luxitest: Serve returned %v", err)
		}
	})
	return s
}

// Client returns a client connected to s, closed when the test ends.
func (s *Server) Client(tb testing.TB) *luxi.Client {
	tb.Helper()
	c, err := luxi.Dial(s.Socket)
	if err != nil {
		tb.Fatalf("luxitest: %v", err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// Answer sends a request for method with args, the JSON text of its
// argument list, on a connection of its own, and returns the server's
// answer as it is, without the terminator. A request the server refuses
// therefore leaves other calls unaffected.
func (s *Server) Answer(tb testing.TB, method, args string) []byte {
	tb.Helper()
	req, err := luxi.EncodeRequest(method, json.RawMessage(args))
	if err != nil {
		tb.Fatalf("luxitest: %v", err)
	}
	c, err := luxi.Dial(s.Socket)
	if err != nil {
		tb.Fatalf("luxitest: %v", err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	answer, err := c.CallRaw(ctx, req)
	if err != nil {
		tb.Fatalf("luxitest: %s: %v", method, err)
	}
	return answer
}

// Call sends a request as Answer does and returns the result of a
// successful call, or the failure of a failed one as Failure decodes it.
func (s *Server) Call(tb testing.TB, method, args string) (json.RawMessage, error) {
	tb.Helper()
	resp := decode(tb, s.Answer(tb, method, args))
	if resp.Success {
		return resp.Result, nil
	}
	return nil, resp.Err()
}

// Failure returns the failure answer carries, nil for a success. The test
// fails if answer is no LUXI response.
func Failure(tb testing.TB, answer []byte) error {
	tb.Helper()
	return decode(tb, answer).Err()
}

// decode decodes answer, failing the test if it is no LUXI response.
func decode(tb testing.TB, answer []byte) luxi.Response {
	tb.Helper()
	resp, err := luxi.DecodeResponse(answer)
	if err != nil {
		tb.Fatalf("luxitest: %v", err)
	}
	return resp
}
