package config

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/goluxid/goluxid/internal/inotify"
)

// Timings of the watch.
const (
	// settleDelay lets a burst of events (a file written in several
	// pieces) end before the file is read.
	settleDelay = 20 * time.Millisecond
	// safetyInterval is how often the file is checked even without events,
	// as the real luxid does every 17 s.
	safetyInterval = 17 * time.Second
)

// Watch reloads the file whenever it changes, whether written in place or
// replaced by a rename (the way WConfd writes it), until ctx ends. It
// watches the file's directory through w, the daemon's one inotify
// instance, so a replaced file is never lost from sight and the watch
// costs no descriptor of its own. The follower (Follow) is told of every
// new snapshot; a file that does not load is logged and the last good
// snapshot kept.
func (s *Store) Watch(ctx context.Context, w *inotify.Watcher, logger *slog.Logger) error {
	sub, err := w.Subscribe(filepath.Dir(s.path), filepath.Base(s.path))
	if err != nil {
		return fmt.Errorf("watching %s: %w", s.path, err)
	}
	defer sub.Close()
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	safety := time.NewTicker(safetyInterval)
	defer safety.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.C:
			// The file changed, or events were lost (every subscriber
			// is woken then): either way, look again once it settled.
			settle.Reset(settleDelay)
		case <-settle.C:
			s.reloadLogged(logger)
		case <-safety.C:
			s.reloadLogged(logger)
		}
	}
}

// reloadLogged reloads and logs a file that does not load.
func (s *Store) reloadLogged(logger *slog.Logger) {
	if _, err := s.Reload(); err != nil {
		logger.Error("configuration reload failed, keeping the last good configuration", "error", err)
	}
}
