package sandbox

import (
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/goluxid/goluxid/internal/testkit/hang"
)

// HangWconfd stops WConfd and puts a hang.Listener on its socket.
func (s *Sandbox) HangWconfd() (*hang.Listener, error) {
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
	return hang.Listen(ln), nil
}
