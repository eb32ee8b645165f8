// Package hang stands in for a peer that has hung: it accepts connections
// and never reads from them nor answers. Tests and benchmarks use it for a
// hung WConfd or node daemons that never reply.
package hang

import (
	"errors"
	"net"
	"sync"
)

// Listener accepts connections on its listeners and never reads from
// them nor answers.
type Listener struct {
	listeners []net.Listener
	wg        sync.WaitGroup
	mu        sync.Mutex // guards conns
	conns     []net.Conn
}

// Listen starts accepting on every listener in lns, never to answer.
func Listen(lns ...net.Listener) *Listener {
	h := &Listener{listeners: lns}
	for _, ln := range lns {
		h.wg.Go(func() { h.accept(ln) })
	}
	return h
}

func (h *Listener) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		h.mu.Lock()
		h.conns = append(h.conns, c)
		h.mu.Unlock()
	}
}

// Accepted is the number of connections accepted so far.
func (h *Listener) Accepted() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// Close stops listening (a Unix socket's file goes with it) and closes
// every accepted connection.
func (h *Listener) Close() error {
	var errs []error
	for _, ln := range h.listeners {
		errs = append(errs, ln.Close())
	}
	h.wg.Wait()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.conns {
		c.Close()
	}
	h.conns = nil
	return errors.Join(errs...)
}
