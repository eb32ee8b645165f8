package metrics

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/goluxid/goluxid/internal/daemon"
)

// unixSocketMode is the mode of the endpoint's Unix socket.
const unixSocketMode = 0o660

// Endpoint answers GET /metrics on one listener. Its owner calls Serve
// and Close, one after the other.
type Endpoint struct {
	metrics  *Metrics
	address  string
	listener net.Listener
	// done is closed when the serving goroutine has returned; nil before
	// Serve.
	done chan struct{}
}

// Listen opens m's endpoint at addr (see the package doc), to be served
// once Serve is called. Nil metrics open nothing and give a nil Endpoint.
func (m *Metrics) Listen(addr string) (*Endpoint, error) {
	if m == nil {
		return nil, nil
	}
	l, err := listen(addr)
	if err != nil {
		return nil, err
	}
	return &Endpoint{metrics: m, address: addr, listener: l}, nil
}

// listen opens addr: a Unix socket, or a TCP port on a loopback address.
func listen(addr string) (net.Listener, error) {
	if path, ok := strings.CutPrefix(addr, "unix:"); ok {
		l, err := daemon.ListenUnix(path, unixSocketMode, daemon.KeepOwner)
		if err != nil {
			return nil, fmt.Errorf("metrics endpoint: %w", err)
		}
		return l, nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("metrics endpoint %q: want unix:PATH or HOST:PORT: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("metrics endpoint %q: only loopback addresses are served", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics endpoint: %w", err)
	}
	return l, nil
}

// Serve answers scrapes in a goroutine until Close; the endpoint failing
// before that is logged.
func (e *Endpoint) Serve(logger *slog.Logger) {
	if e == nil {
		return
	}
	e.done = make(chan struct{})
	go func() {
		defer close(e.done)
		if err := e.metrics.serve(e.listener); err != nil {
			logger.Error("metrics endpoint stopped", "error", err)
		}
	}()
	logger.Info("serving metrics", "address", e.address)
}

// Close stops the endpoint, removing its Unix socket, and waits until it
// no longer serves.
func (e *Endpoint) Close() {
	if e == nil {
		return
	}
	e.listener.Close()
	if e.done != nil {
		<-e.done
	}
}

// serve answers GET /metrics on l until it is closed.
func (m *Metrics) serve(l net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.Serve(l); err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("metrics endpoint: %w", err)
	}
	return nil
}
