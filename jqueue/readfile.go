package jqueue

import (
	"io/fs"
	"sync"

	"golang.org/x/sys/unix"
)

// readBuffers are reused for reading job files; queries read thousands.
var readBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// readSmallFile reads a whole file with as few system calls as it can
// (open, read until the end, close), returning a copy sized to its content.
func readSmallFile(path string) ([]byte, error) {
	return readSmallFileAt(unix.AT_FDCWD, path)
}

// readSmallFileAt is readSmallFile of a path relative to the directory dirfd.
func readSmallFileAt(dirfd int, path string) ([]byte, error) {
	fd, err := unix.Openat(dirfd, path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	bufp := readBuffers.Get().(*[]byte)
	defer readBuffers.Put(bufp)
	n, err := readToEnd(fd, bufp)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	return append([]byte(nil), (*bufp)[:n]...), nil
}

// readToEnd reads fd until its end into *bufp, doubling the buffer when it
// fills, and returns how many bytes it read.
func readToEnd(fd int, bufp *[]byte) (int, error) {
	buf := *bufp
	n := 0
	for {
		if n == len(buf) {
			buf = append(buf, make([]byte, len(buf))...)
			*bufp = buf
		}
		m, err := unix.Read(fd, buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		if m == 0 {
			return n, nil
		}
		n += m
	}
}
