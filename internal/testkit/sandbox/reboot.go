package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
)

// Kill ends every process of the sandbox with SIGKILL, as a power cut
// would: the daemons, whatever they spawned (job processes, the
// warm-start helper and its children) and job processes a luxid stopped
// earlier left running. No process gets a signal it could act on. Kill
// returns once all are gone; the daemons are forgotten, their pid files
// removed, and Start starts them again.
func (s *Sandbox) Kill() error {
	for {
		procs := s.everyProc()
		if len(procs) == 0 {
			break
		}
		for _, p := range procs {
			s.signal(p, syscall.SIGKILL)
		}
		// Another pass finds a job process forked meanwhile.
		if !s.waitGone(procs, killWait) {
			return fmt.Errorf("processes of sandbox %s survived SIGKILL", s.dir)
		}
	}
	var errs []error
	for name := range s.daemons {
		delete(s.daemons, name)
		if err := os.Remove(s.pidFile(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove %s pid file: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// everyProc returns the sandbox's live processes: its daemons, their
// descendants and process groups, and any job process of its root.
func (s *Sandbox) everyProc() []*proc {
	var procs []*proc
	var pids []int
	for _, d := range s.daemons {
		if !s.gone(s.daemonProc(d)) {
			procs = append(procs, s.daemonProc(d))
		}
		pids = append(pids, d.pid)
	}
	groups := append(slices.Clone(pids), s.recordedGroups()...)
	seen := map[int]bool{}
	for _, p := range procs {
		seen[p.pid] = true
	}
	for _, p := range append(s.findProcs(pids, groups), s.findProcs(nil, groups)...) {
		if !seen[p.pid] {
			seen[p.pid] = true
			procs = append(procs, p)
		}
	}
	return procs
}

// EmptyRunDirs empties what a reboot empties, the run directory
// (var/run/ganeti: sockets, pid files, livelocks, luxid's messages) and
// var/lock, and lays the run directory out again with ensure-dirs, as
// daemon-util does before it starts a daemon. The daemons must be
// stopped.
func (s *Sandbox) EmptyRunDirs() error {
	if err := s.checkNotRunning(); err != nil {
		return err
	}
	for _, dir := range []string{s.layout.RunDir, filepath.Join(s.Root(), "var/lock")} {
		if err := emptyDir(dir); err != nil {
			return err
		}
	}
	return s.ensureDirs()
}

// emptyDir removes everything in dir, keeping dir itself.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("empty %s: %w", dir, err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("empty %s: %w", dir, err)
		}
	}
	return nil
}
