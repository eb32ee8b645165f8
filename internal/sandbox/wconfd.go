package sandbox

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
)

// HangingListener stands in for a hung peer (WConfd, a node daemon): it
// accepts connections on its listeners and never reads from them nor
// answers.
type HangingListener struct {
	listeners []net.Listener
	wg        sync.WaitGroup
	mu        sync.Mutex // guards conns
	conns     []net.Conn
}

// Hang starts accepting on every listener in lns, never to answer.
func Hang(lns ...net.Listener) *HangingListener {
	h := &HangingListener{listeners: lns}
	for _, ln := range lns {
		h.wg.Go(func() { h.accept(ln) })
	}
	return h
}

// HangWconfd stops WConfd and puts a HangingListener on its socket.
func (s *Sandbox) HangWconfd() (*HangingListener, error) {
	if err := s.StopWconfd(); err != nil {
		return nil, err
	}
	sock := s.layout.WconfdSocket
	if err := os.Remove(sock); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("hang wconfd: %w", err)
	}
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("hang wconfd: %w", err)
	}
	return Hang(ln), nil
}

func (h *HangingListener) accept(ln net.Listener) {
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
func (h *HangingListener) Accepted() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// Close stops listening (a Unix socket's file goes with it) and closes
// every accepted connection.
func (h *HangingListener) Close() error {
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
