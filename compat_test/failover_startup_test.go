package compat_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/luxi"
)

// startupFigures describe how the luxid a failover started came up.
type startupFigures struct {
	pid         int
	toAnswer    time.Duration // from its process start to its first LUXI answer
	fdsAtAnswer int           // descriptors when it first answered
	peakFds     int           // most descriptors seen from its start to the end of the scenario
	lastFds     int           // descriptors at the end of the scenario
	samples     int
}

func (s startupFigures) String() string {
	return fmt.Sprintf("pid %d answered %s after its start; descriptors: %d when it answered, peak %d, %d at the end (%d samples)",
		s.pid, s.toAnswer.Round(time.Millisecond), s.fdsAtAnswer, s.peakFds, s.lastFds, s.samples)
}

// sampleInterval is how often startupWatch counts descriptors and probes
// the LUXI socket.
const sampleInterval = 10 * time.Millisecond

// startupWatch follows the luxid that will appear in a node root: it finds
// its pid file, counts its open descriptors and probes its LUXI socket
// until it first answers.
type startupWatch struct {
	layout   *paths.Layout
	done     chan struct{}
	answered chan struct{}
	wg       sync.WaitGroup

	mu      sync.Mutex // guards the fields below
	figures startupFigures
	started time.Time
}

// watchStartup starts following the luxid of the node root l.
func watchStartup(l *paths.Layout) *startupWatch {
	w := &startupWatch{layout: l, done: make(chan struct{}), answered: make(chan struct{})}
	w.wg.Go(w.sampleFds)
	w.wg.Go(w.probe)
	return w
}

// sampleFds counts the luxid's descriptors until stop.
func (w *startupWatch) sampleFds() {
	tick := time.NewTicker(sampleInterval)
	defer tick.Stop()
	for {
		if pid := w.pid(); pid != 0 {
			// An exited process (a zombie) lists no descriptors.
			if entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid)); err == nil && len(entries) > 0 {
				w.mu.Lock()
				w.figures.samples++
				w.figures.lastFds = len(entries)
				w.figures.peakFds = max(w.figures.peakFds, len(entries))
				w.mu.Unlock()
			}
		}
		select {
		case <-w.done:
			return
		case <-tick.C:
		}
	}
}

// pid finds the luxid once its pid file names a running ganeti-luxid and
// notes its start time.
func (w *startupWatch) pid() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.figures.pid != 0 {
		return w.figures.pid
	}
	data, err := os.ReadFile(w.layout.PidFile)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil || strings.TrimSpace(string(comm)) != "ganeti-luxid" {
		return 0
	}
	started, err := processStart(pid)
	if err != nil {
		return 0
	}
	w.figures.pid, w.started = pid, started
	return pid
}

// probe asks the LUXI socket for the cluster name until it answers.
func (w *startupWatch) probe() {
	tick := time.NewTicker(sampleInterval)
	defer tick.Stop()
	for {
		if w.pid() != 0 && w.answers() {
			answered := time.Now()
			w.mu.Lock()
			w.figures.toAnswer = answered.Sub(w.started)
			w.figures.fdsAtAnswer = w.figures.lastFds
			w.mu.Unlock()
			close(w.answered)
			return
		}
		select {
		case <-w.done:
			return
		case <-tick.C:
		}
	}
}

// answers reports whether the luxid answers a query.
func (w *startupWatch) answers() bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := luxi.DialContext(ctx, w.layout.LuxiSocket)
	if err != nil {
		return false
	}
	defer c.Close()
	_, err = c.Call(ctx, "QueryConfigValues", []any{[]string{"cluster_name"}})
	return err == nil
}

// waitAnswer waits until the luxid first answered.
func (w *startupWatch) waitAnswer(timeout time.Duration) error {
	select {
	case <-w.answered:
		return nil
	case <-time.After(timeout):
		w.mu.Lock()
		defer w.mu.Unlock()
		return fmt.Errorf("no answer within %s (luxid pid %d)", timeout, w.figures.pid)
	}
}

// stop ends the watch and returns the figures.
func (w *startupWatch) stop() startupFigures {
	close(w.done)
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.figures
}

// clockTicks is the unit of /proc/<pid>/stat's start time (USER_HZ, 100
// on Linux).
const clockTicks = 100

// processStart is when process pid started, to a clock tick: its start
// since boot (/proc/<pid>/stat) compared with the uptime now.
func processStart(pid int) (time.Time, error) {
	now := time.Now()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return time.Time{}, err
	}
	uptime, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return time.Time{}, err
	}
	// The fields after the command name, which may contain spaces; the
	// start time is field 22, the 20th after it.
	end := strings.LastIndexByte(string(stat), ')')
	fields := strings.Fields(string(stat)[end+1:])
	if len(fields) < 20 {
		return time.Time{}, errors.New("short /proc stat")
	}
	ticks, err := strconv.ParseInt(fields[19], 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	up, err := strconv.ParseFloat(strings.Fields(string(uptime))[0], 64)
	if err != nil {
		return time.Time{}, err
	}
	age := time.Duration(up*float64(time.Second)) - time.Duration(ticks)*time.Second/clockTicks
	return now.Add(-age), nil
}
