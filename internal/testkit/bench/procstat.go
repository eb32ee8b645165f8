package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTick is the unit of utime and stime in /proc/<pid>/stat (USER_HZ,
// 100 on every Linux architecture Ganeti runs on).
const clockTick = 10 * time.Millisecond

// procSample is what /proc tells about a process at one moment.
type procSample struct {
	rssKiB int64         // VmRSS
	hwmKiB int64         // VmHWM, the peak of VmRSS since the start
	fds    int           // entries of /proc/<pid>/fd
	cpu    time.Duration // utime + stime, the process's own threads only
}

// sampleProc reads pid's memory, descriptors and CPU time.
func sampleProc(pid int) (procSample, error) {
	var s procSample
	var err error
	if s.rssKiB, s.hwmKiB, err = readMemory(pid); err != nil {
		return s, err
	}
	if s.fds, err = countFds(pid); err != nil {
		return s, err
	}
	s.cpu, err = readCPU(pid)
	return s, err
}

// readMemory reads VmRSS and VmHWM from /proc/<pid>/status.
func readMemory(pid int) (rss, hwm int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("bench: memory of pid %d: %w", pid, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "VmRSS:":
			rss, _ = strconv.ParseInt(fields[1], 10, 64)
		case "VmHWM:":
			hwm, _ = strconv.ParseInt(fields[1], 10, 64)
		}
	}
	return rss, hwm, nil
}

// countFds counts pid's open descriptors.
func countFds(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("bench: descriptors of pid %d: %w", pid, err)
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return 0, fmt.Errorf("bench: descriptors of pid %d: %w", pid, err)
	}
	return len(names), nil
}

// statFields reads /proc/<pid>/stat and returns its fields after the
// command name, which may hold spaces: fields[0] is the state (stat field
// 3), fields[1] the parent pid, fields[11] and [12] utime and stime.
func statFields(pid int) ([]string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return nil, errors.New("malformed stat")
	}
	return strings.Fields(string(data[i+1:])), nil
}

// readCPU reads utime + stime from /proc/<pid>/stat.
func readCPU(pid int) (time.Duration, error) {
	fields, err := statFields(pid)
	if err != nil {
		return 0, fmt.Errorf("bench: CPU time of pid %d: %w", pid, err)
	}
	// utime and stime are stat fields 14 and 15.
	const utime, stime = 14 - 3, 15 - 3
	if len(fields) <= stime {
		return 0, fmt.Errorf("bench: CPU time of pid %d: malformed stat", pid)
	}
	u, err1 := strconv.ParseInt(fields[utime], 10, 64)
	s, err2 := strconv.ParseInt(fields[stime], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bench: CPU time of pid %d: malformed stat", pid)
	}
	return time.Duration(u+s) * clockTick, nil
}

// alive reports whether pid is a running process (not a zombie).
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(data, ')')
	return i >= 0 && !bytes.HasPrefix(data[i+1:], []byte(" Z")) && !bytes.HasPrefix(data[i+1:], []byte(" X"))
}

// monitorInterval is how often a monitor samples.
const monitorInterval = 20 * time.Millisecond

// monitor samples a process in the background: the peaks of its memory
// and descriptors, and its last CPU time. A process that exits ends the
// sampling; what was seen until then stays.
type monitor struct {
	pid  int
	stop chan struct{}
	done chan struct{}

	mu   sync.Mutex // guards peak and gone
	peak procSample // rssKiB and fds are peaks, cpu the last value
	gone bool
}

// startMonitor starts sampling pid; Stop ends it.
func startMonitor(pid int) *monitor {
	m := &monitor{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	m.sample()
	go m.loop()
	return m
}

func (m *monitor) loop() {
	defer close(m.done)
	ticker := time.NewTicker(monitorInterval)
	defer ticker.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-ticker.C:
			m.sample()
		}
	}
}

func (m *monitor) sample() {
	s, err := sampleProc(m.pid)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gone {
		return
	}
	if err != nil || !alive(m.pid) {
		m.gone = true
		return
	}
	m.peak.rssKiB = max(m.peak.rssKiB, s.rssKiB)
	m.peak.fds = max(m.peak.fds, s.fds)
	m.peak.cpu = s.cpu
}

// Stop ends the sampling, takes a last sample and returns the peaks and
// the last CPU time, and whether the process exited meanwhile.
func (m *monitor) Stop() (peak procSample, exited bool) {
	close(m.stop)
	<-m.done
	m.sample()
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.peak, m.gone
}

// descendants lists the processes below pid (children, their children
// and so on), found by their parent pids in /proc.
func descendants(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if parent, ok := parentOf(p); ok {
			children[parent] = append(children[parent], p)
		}
	}
	var out []int
	for queue := children[pid]; len(queue) > 0; queue = queue[1:] {
		out = append(out, queue[0])
		queue = append(queue, children[queue[0]]...)
	}
	return out
}

// parentOf reads the parent pid from /proc/<pid>/stat; false when the
// process is gone.
func parentOf(pid int) (int, bool) {
	fields, err := statFields(pid)
	if err != nil || len(fields) < 2 {
		return 0, false
	}
	parent, err := strconv.Atoi(fields[1])
	return parent, err == nil
}
