package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// killWait is how long to wait for processes to vanish after SIGKILL.
const killWait = 5 * time.Second

// jobProcessMarker is in the command line of every Ganeti job process.
const jobProcessMarker = "jqueue/exec.py"

// proc is a process Stop may signal.
type proc struct {
	pid int
	d   *daemon // set for daemons; signalled through os.Process if started here
}

func (s *Sandbox) daemonProc(d *daemon) *proc { return &proc{pid: d.pid, d: d} }

// ours reports whether pid is a live (not zombie) process whose environment
// holds this sandbox's GANETI_ROOTDIR. It guards every signal to a process
// this process did not start itself against pid reuse.
func (s *Sandbox) ours(pid int) bool {
	st, ok := readStat(pid)
	if !ok || st.state == 'Z' || st.state == 'X' {
		return false
	}
	env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		return false
	}
	want := []byte("GANETI_ROOTDIR=" + s.Root())
	return slices.ContainsFunc(bytes.Split(env, []byte{0}), func(kv []byte) bool {
		return bytes.Equal(kv, want)
	})
}

// gone reports whether p has exited.
func (s *Sandbox) gone(p *proc) bool {
	if p.d != nil && p.d.done != nil {
		return p.d.exited()
	}
	return !s.ours(p.pid)
}

// signal sends sig to p if it is still this sandbox's process.
func (s *Sandbox) signal(p *proc, sig syscall.Signal) {
	if p.d != nil && p.d.cmd != nil {
		if !p.d.exited() {
			// os.Process uses a pidfd, so this cannot hit a reused pid.
			_ = p.d.cmd.Process.Signal(sig) // fails only if it just exited
		}
		return
	}
	if s.ours(p.pid) {
		_ = syscall.Kill(p.pid, sig) // fails only if it just exited
	}
}

// terminate sends SIGTERM to procs, and SIGKILL to those still running after
// the stop timeout; it returns an error if any survive even that.
func (s *Sandbox) terminate(procs []*proc) error {
	live := slices.DeleteFunc(slices.Clone(procs), s.gone)
	if len(live) == 0 {
		return nil
	}
	for _, p := range live {
		s.signal(p, syscall.SIGTERM)
		s.signal(p, syscall.SIGCONT) // a stopped process acts on SIGTERM only once continued
	}
	if s.waitGone(live, s.st.StopTimeout) {
		return nil
	}
	for _, p := range live {
		s.signal(p, syscall.SIGKILL)
	}
	if s.waitGone(live, killWait) {
		return nil
	}
	var pids []string
	for _, p := range live {
		if !s.gone(p) {
			pids = append(pids, strconv.Itoa(p.pid))
		}
	}
	return fmt.Errorf("processes %s of sandbox %s survived SIGKILL", strings.Join(pids, ", "), s.dir)
}

func (s *Sandbox) waitGone(procs []*proc, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if !slices.ContainsFunc(procs, func(p *proc) bool { return !s.gone(p) }) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pollInterval)
	}
}

// statInfo is the part of /proc/<pid>/stat the sandbox needs.
type statInfo struct {
	state      byte
	ppid, pgrp int
}

func readStat(pid int) (statInfo, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return statInfo{}, false
	}
	// The command name in parentheses may contain spaces; fields follow
	// the last ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return statInfo{}, false
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 3 || len(f[0]) != 1 {
		return statInfo{}, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	pgrp, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil {
		return statInfo{}, false
	}
	return statInfo{state: f[0][0], ppid: ppid, pgrp: pgrp}, true
}

// findProcs returns this sandbox's processes, other than roots and the
// caller, that descend from one of roots or belong to one of groups. With no
// roots it also returns any job process of this sandbox's root.
func (s *Sandbox) findProcs(roots, groups []int) []*proc {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	stats := map[int]statInfo{}
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			if st, ok := readStat(pid); ok {
				stats[pid] = st
			}
		}
	}
	var out []*proc
	for pid, st := range stats {
		if pid == os.Getpid() || slices.Contains(roots, pid) {
			continue
		}
		match := slices.Contains(groups, st.pgrp) || descends(stats, pid, roots) ||
			(len(roots) == 0 && isJobProcess(pid))
		if match && s.ours(pid) {
			out = append(out, &proc{pid: pid})
		}
	}
	return out
}

// descends reports whether pid has one of roots among its ancestors.
func descends(stats map[int]statInfo, pid int, roots []int) bool {
	for seen := 0; pid > 1 && seen < len(stats); seen++ {
		st, ok := stats[pid]
		if !ok {
			return false
		}
		if slices.Contains(roots, st.ppid) {
			return true
		}
		pid = st.ppid
	}
	return false
}

func isJobProcess(pid int) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && bytes.Contains(cmdline, []byte(jobProcessMarker))
}

// tailLines is how many output lines error messages quote.
const tailLines = 20

// tail returns the last n lines of file, or a note why it cannot.
func tail(file string, n int) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", file, err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return fmt.Sprintf("--- last lines of %s ---\n%s", filepath.Base(file), strings.Join(lines, "\n"))
}
