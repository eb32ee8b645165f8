package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuGroup is a cgroup v2 that a process and its descendants are moved
// into for a run, so that their CPU time can be read as one figure: the
// group's cpu.stat (usage_usec) counts every process in it, the ones
// forked into it later and the ones that ended included. The Haskell
// luxid ignores SIGCHLD, so its job processes' CPU time never reaches its
// own cutime; the group counts it alike for both luxids.
type cpuGroup struct {
	dir    string // the group's directory
	origin string // the directory of the cgroup the processes came from
}

// newCPUGroup makes a cgroup below the one pid is in and moves pid and
// its descendants there. It needs the cgroup v2 file system mounted and
// the right to write it (root).
func newCPUGroup(pid int) (*cpuGroup, error) {
	mount, err := cgroup2Mount()
	if err != nil {
		return nil, err
	}
	rel, err := cgroupOf(pid)
	if err != nil {
		return nil, err
	}
	origin := filepath.Join(mount, rel)
	g := &cpuGroup{dir: filepath.Join(origin, "luxibench-"+strconv.Itoa(pid)), origin: origin}
	if err := os.Mkdir(g.dir, 0o755); err != nil {
		return nil, fmt.Errorf("bench: cgroup: %w", err)
	}
	for _, p := range append([]int{pid}, descendants(pid)...) {
		if err := moveToCgroup(g.dir, p); err != nil {
			return nil, errors.Join(err, g.release())
		}
	}
	return g, nil
}

// usage is the CPU time the group's processes have used since they were
// moved in.
func (g *cpuGroup) usage() (time.Duration, error) {
	data, err := os.ReadFile(filepath.Join(g.dir, "cpu.stat"))
	if err != nil {
		return 0, fmt.Errorf("bench: cgroup CPU time: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "usage_usec "); ok {
			usec, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("bench: cgroup CPU time: %w", err)
			}
			return time.Duration(usec) * time.Microsecond, nil
		}
	}
	return 0, fmt.Errorf("bench: cgroup CPU time: no usage_usec in %s", g.dir)
}

// releaseTries bounds the rounds of moving processes back: one may fork
// while the others are moved.
const releaseTries = 100

// release moves every process left in the group back to where it came
// from and removes the group.
func (g *cpuGroup) release() error {
	for range releaseTries {
		data, err := os.ReadFile(filepath.Join(g.dir, "cgroup.procs"))
		if err != nil {
			return fmt.Errorf("bench: release cgroup: %w", err)
		}
		pids := strings.Fields(string(data))
		if len(pids) == 0 {
			break
		}
		for _, p := range pids {
			pid, _ := strconv.Atoi(p)
			if err := moveToCgroup(g.origin, pid); err != nil {
				return fmt.Errorf("bench: release cgroup: %w", err)
			}
		}
	}
	if err := os.Remove(g.dir); err != nil {
		return fmt.Errorf("bench: release cgroup: %w", err)
	}
	return nil
}

// moveToCgroup moves process pid with all its threads into the cgroup at
// dir; a process that is gone already is no error.
func moveToCgroup(dir string, pid int) error {
	err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0)
	if err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("bench: move pid %d to cgroup %s: %w", pid, dir, err)
	}
	return nil
}

// cgroup2Mount finds where the cgroup v2 file system is mounted, from
// /proc/self/mountinfo: "ID PARENT DEV ROOT MOUNTPOINT OPTIONS… - TYPE …".
func cgroup2Mount() (string, error) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "", fmt.Errorf("bench: cgroup: %w", err)
	}
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		for i, f := range fields {
			if f == "-" && i+1 < len(fields) && fields[i+1] == "cgroup2" && len(fields) > 4 {
				return fields[4], nil
			}
		}
	}
	return "", errors.New("bench: cgroup: no cgroup v2 file system mounted")
}

// cgroupOf reads pid's cgroup v2 path ("0::PATH") from /proc/<pid>/cgroup.
func cgroupOf(pid int) (string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		return "", fmt.Errorf("bench: cgroup: %w", err)
	}
	for line := range strings.Lines(string(data)) {
		if path, ok := strings.CutPrefix(strings.TrimSpace(line), "0::"); ok {
			return path, nil
		}
	}
	return "", fmt.Errorf("bench: cgroup: pid %d has no cgroup v2", pid)
}

// jobsCPU is the CPU time a luxid and the processes it forked used while
// a workload ran, or why it could not be measured.
type jobsCPU struct {
	cpu time.Duration
	err error
}

// watchJobsCPU runs work with the luxid pid and its descendants in a
// cgroup of their own and returns their CPU time meanwhile. Without a
// cgroup it still runs work and says why in the jobsCPU. The error is
// work's, or the failure to move the processes back.
func watchJobsCPU(pid int, work func() error) (jobsCPU, error) {
	g, err := newCPUGroup(pid)
	if err != nil {
		return jobsCPU{err: err}, work()
	}
	before, errBefore := g.usage()
	werr := work()
	after, errAfter := g.usage()
	return jobsCPU{cpu: after - before, err: errors.Join(errBefore, errAfter)}, errors.Join(werr, g.release())
}

// addPer adds the CPU time per operation, when it was measured.
func (c jobsCPU) addPer(f *figures, what string, n int) {
	if c.err == nil {
		f.add("luxid + job processes CPU per "+what, "ms", Lower, ms(c.cpu)/float64(n))
	}
}

// noteUnmeasured says why the CPU time is missing, if it is.
func (c jobsCPU) noteUnmeasured(f *figures) {
	if c.err != nil {
		f.note("CPU time of the luxid with its job processes not measured: %v", c.err)
	}
}
