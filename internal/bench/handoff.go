package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goluxid/goluxid/internal/inotify"
)

// handoffWatch notes when each job's file first names its job process's
// livelock. Both luxids write it there in the middle of the start-up
// handshake, just before they hand the process its secret parameters, so
// the time from the job's received_ts to then is what issue #5 calls the
// luxid's own share of the queued-to-running latency: scheduling, the job
// file writes and the process start up to its first handshake message
// (with a cold start that includes Python's start and imports).
//
// Jobs must be handed over in id order, one after another (the latency
// scenario); the watch follows the lowest id not seen yet.
type handoffWatch struct {
	queueDir string
	sub      *inotify.Sub
	watcher  *inotify.Watcher
	stop     chan struct{}
	done     chan struct{}

	mu   sync.Mutex
	next uint64               // lowest job id not yet handed over
	seen map[uint64]time.Time // job id to when its handover was seen
}

// watchHandoffs starts watching queueDir for job first and later ones.
func watchHandoffs(queueDir string, first uint64) (*handoffWatch, error) {
	w, err := inotify.New()
	if err != nil {
		return nil, err
	}
	sub, err := w.Subscribe(queueDir, "")
	if err != nil {
		w.Close()
		return nil, err
	}
	h := &handoffWatch{queueDir: queueDir, sub: sub, watcher: w, stop: make(chan struct{}),
		done: make(chan struct{}), next: first, seen: map[uint64]time.Time{}}
	go h.loop()
	return h, nil
}

func (h *handoffWatch) loop() {
	defer close(h.done)
	for {
		h.look()
		select {
		case <-h.sub.C:
		case <-h.stop:
			return
		}
	}
}

// look records every job from next on whose file names a job livelock.
func (h *handoffWatch) look() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for h.handedOver(h.next) {
		h.seen[h.next] = time.Now()
		h.next++
	}
}

// handedOver reports whether job id's file names a job process's livelock.
func (h *handoffWatch) handedOver(id uint64) bool {
	data, err := os.ReadFile(filepath.Join(h.queueDir, "job-"+strconv.FormatUint(id, 10)))
	if err != nil {
		return false
	}
	var file struct {
		Livelock *string `json:"livelock"`
	}
	if json.Unmarshal(data, &file) != nil || file.Livelock == nil {
		return false
	}
	return strings.HasPrefix(filepath.Base(*file.Livelock), "job_")
}

// Stop ends the watch and returns when each job was seen handed over.
func (h *handoffWatch) Stop() map[uint64]time.Time {
	close(h.stop)
	<-h.done
	h.sub.Close()
	h.watcher.Close()
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen
}
