package sandbox

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
)

// HangingListener stands in for a hung WConfd: it accepts connections on
// WConfd's socket and never reads from them nor answers.
type HangingListener struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	done  chan struct{}
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
	h := &HangingListener{ln: ln, done: make(chan struct{})}
	go h.accept()
	return h, nil
}

func (h *HangingListener) accept() {
	defer close(h.done)
	for {
		c, err := h.ln.Accept()
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

// Close stops listening, removes the socket and closes every accepted
// connection.
func (h *HangingListener) Close() error {
	err := h.ln.Close() // removes the socket file too
	<-h.done
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.conns {
		c.Close()
	}
	h.conns = nil
	return err
}
