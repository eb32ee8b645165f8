package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goluxid/goluxid/internal/inotify"
)

// handoffWatch notes when each job's file first names a livelock at all (the
// luxid's own: it has decided to start the job and is about to fork its
// process) and when it first names its job process's livelock. Both luxids
// write it there in the middle of the start-up handshake, just before they
// hand the process its secret parameters, so the time from the job's
// received_ts to then is the luxid's own share of the queued-to-running
// latency: scheduling, the job file writes and the process start up to its
// first handshake message (with a cold start that includes Python's start
// and imports).
//
// Jobs must be handed over in id order, one after another (the latency
// scenario); the watch follows the lowest id not seen yet.
type handoffWatch struct {
	queueDir string
	sub      *inotify.Sub
	watcher  *inotify.Watcher
	stop     chan struct{}
	done     chan struct{}

	mu      sync.Mutex           // guards the fields below
	next    uint64               // lowest job id not yet handed over
	started map[uint64]time.Time // job id to when its start was seen
	seen    map[uint64]time.Time // job id to when its handover was seen
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
		done: make(chan struct{}), next: first, started: map[uint64]time.Time{}, seen: map[uint64]time.Time{}}
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

// look records the start and handover of every job from next on.
func (h *handoffWatch) look() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for {
		livelock, ok := h.livelock(h.next)
		if !ok {
			return
		}
		now := time.Now()
		if _, seen := h.started[h.next]; !seen {
			h.started[h.next] = now
		}
		if !strings.HasPrefix(filepath.Base(livelock), "job_") {
			return
		}
		h.seen[h.next] = now
		h.next++
	}
}

// livelock returns the livelock job id's file names, if any.
func (h *handoffWatch) livelock(id uint64) (string, bool) {
	data, err := os.ReadFile(filepath.Join(h.queueDir, "job-"+strconv.FormatUint(id, 10)))
	if err != nil {
		return "", false
	}
	var file struct {
		Livelock *string `json:"livelock"`
	}
	if json.Unmarshal(data, &file) != nil || file.Livelock == nil {
		return "", false
	}
	return *file.Livelock, true
}

// handoffs are when each job was seen started and handed over.
type handoffs struct {
	started, handedOver map[uint64]time.Time
}

// Stop ends the watch and returns what it saw.
func (h *handoffWatch) Stop() handoffs {
	close(h.stop)
	<-h.done
	h.sub.Close()
	h.watcher.Close()
	h.mu.Lock()
	defer h.mu.Unlock()
	return handoffs{started: h.started, handedOver: h.seen}
}

// since returns, for job id, how long after t it was seen started and
// handed over.
func (hs handoffs) since(id uint64, t time.Time) (started, handedOver time.Duration, err error) {
	s, ok1 := hs.started[id]
	h, ok2 := hs.handedOver[id]
	if !ok1 || !ok2 {
		return 0, 0, fmt.Errorf("job %d: its start or handover to the job process was not seen", id)
	}
	return s.Sub(t), h.Sub(t), nil
}
