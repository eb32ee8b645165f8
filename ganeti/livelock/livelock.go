// Package livelock tells whether the process behind a Ganeti livelock file
// is still alive.
//
// Every Ganeti daemon and job process creates a file under
// var/run/ganeti/livelocks and holds an fcntl write lock on it for its whole
// life; the kernel drops the lock when the process dies, however it dies.
// A process is alive exactly while someone holds that lock.
package livelock

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// IsDead reports whether nobody holds the lock of the livelock at path: a
// missing file is dead; a file whose read lock can be taken is dead; a lock
// conflict means alive. Other errors are returned.
//
// The probe takes an open-file-description lock, which conflicts with the
// record locks Ganeti's processes hold and, unlike a record lock, cannot
// drop any lock this process holds on the same file when it is released.
func IsDead(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("checking livelock %s: %w", path, err)
	}
	defer f.Close()
	lk := unix.Flock_t{Type: unix.F_RDLCK}
	err = unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.EAGAIN), errors.Is(err, unix.EACCES):
		return false, nil
	default:
		return false, fmt.Errorf("checking livelock %s: %w", path, err)
	}
}
