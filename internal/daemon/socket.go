package daemon

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/user"
	"strconv"
	"syscall"
	"time"
)

// ErrSocketInUse says a live daemon already serves the socket path.
var ErrSocketInUse = errors.New("daemon: socket is served by another process")

// SocketOwner is the owner and group a socket is given after binding.
type SocketOwner struct {
	UID, GID int
}

// KeepOwner leaves a socket with the owner and group the kernel gave it
// when this process created it.
var KeepOwner = SocketOwner{UID: -1, GID: -1}

// LookupOwner resolves a user and group name to a SocketOwner.
func LookupOwner(userName, groupName string) (SocketOwner, error) {
	u, err := user.Lookup(userName)
	if err != nil {
		return SocketOwner{}, fmt.Errorf("looking up user %s: %w", userName, err)
	}
	g, err := user.LookupGroup(groupName)
	if err != nil {
		return SocketOwner{}, fmt.Errorf("looking up group %s: %w", groupName, err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return SocketOwner{}, fmt.Errorf("user %s: bad uid %q", userName, u.Uid)
	}
	gid, err := strconv.Atoi(g.Gid)
	if err != nil {
		return SocketOwner{}, fmt.Errorf("group %s: bad gid %q", groupName, g.Gid)
	}
	return SocketOwner{UID: uid, GID: gid}, nil
}

// ListenUnix binds a stream socket at path with mode and owner. A stale
// socket left by a dead daemon is removed first; a socket some process
// still answers on, or a path that is not a socket, is left alone and
// reported. The socket file is created with mode already applied (through
// the umask), so it is never more open than asked, and is removed when the
// listener closes. The listen backlog is the kernel's maximum, so bursts
// of clients are queued rather than refused.
func ListenUnix(path string, mode fs.FileMode, owner SocketOwner) (*net.UnixListener, error) {
	if err := removeStaleSocket(path); err != nil {
		return nil, err
	}
	old := syscall.Umask(int(^mode & 0o777))
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("binding %s: %w", path, err)
	}
	if err := os.Chown(path, owner.UID, owner.GID); err != nil {
		l.Close()
		return nil, fmt.Errorf("setting owner of %s: %w", path, err)
	}
	if err := os.Chmod(path, mode); err != nil {
		l.Close()
		return nil, fmt.Errorf("setting mode of %s: %w", path, err)
	}
	return l, nil
}

// removeStaleSocket unlinks path if it is a socket nobody answers on.
func removeStaleSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checking %s: %w", path, err)
	}
	if fi.Mode()&fs.ModeSocket == 0 {
		return fmt.Errorf("%s exists and is not a socket", path)
	}
	conn, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		conn.Close()
		return fmt.Errorf("%s: %w", path, ErrSocketInUse)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing stale socket %s: %w", path, err)
	}
	return nil
}
