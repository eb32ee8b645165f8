package daemon

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// ErrLocked says another process holds the lock.
var ErrLocked = errors.New("daemon: file is locked by another process")

// LockedFile is a file held with an fcntl write lock, the way Ganeti's
// daemons lock their PID file, the queue lock and livelocks: the lock goes
// away with the process, so a crash never leaves it behind.
//
// The lock is an open-file-description lock (F_OFD_SETLK). Other processes
// see it exactly like the classic record lock Ganeti takes (the two kinds
// conflict), but unlike a record lock it is not dropped when this process
// happens to close some other descriptor of the same file.
type LockedFile struct {
	f      *os.File
	remove bool
}

// Lock opens (creating with mode) and write-locks path without waiting.
// With removeOnClose the file is unlinked by Close.
func Lock(path string, mode os.FileMode, removeOnClose bool) (*LockedFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, mode)
	if err != nil {
		return nil, fmt.Errorf("opening lock file %s: %w", path, err)
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0}
	if err := unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk); err != nil {
		f.Close()
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
			return nil, fmt.Errorf("locking %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return &LockedFile{f: f, remove: removeOnClose}, nil
}

// Path is the locked file's name.
func (l *LockedFile) Path() string { return l.f.Name() }

// Close releases the lock (removing the file first if asked to, so that
// nobody can lock a file about to vanish).
func (l *LockedFile) Close() error {
	var rmErr error
	if l.remove {
		rmErr = os.Remove(l.f.Name())
	}
	return errors.Join(rmErr, l.f.Close())
}

// WritePidFile locks path and writes this process's id into it, as
// Ganeti's daemons do; a second daemon on the same file fails.
func WritePidFile(path string) (*LockedFile, error) {
	lf, err := Lock(path, 0o600, true)
	if err != nil {
		return nil, fmt.Errorf("writing PID file; already locked?: %w", err)
	}
	pid := strconv.Itoa(os.Getpid()) + "\n"
	if err := lf.f.Truncate(0); err != nil {
		lf.Close()
		return nil, fmt.Errorf("writing PID file %s: %w", path, err)
	}
	if _, err := lf.f.WriteAt([]byte(pid), 0); err != nil {
		lf.Close()
		return nil, fmt.Errorf("writing PID file %s: %w", path, err)
	}
	return lf, nil
}
