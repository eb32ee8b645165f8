package config

import (
	"bytes"
	"io"
	"os"
	"syscall"
)

// statID identifies the open file's current content by modification time,
// inode and size, the triple the real luxid compares before reloading.
func statID(f *os.File) (fileID, error) {
	fi, err := f.Stat()
	if err != nil {
		return fileID{}, err
	}
	id := fileID{modTime: fi.ModTime(), size: fi.Size()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.inode = st.Ino
	}
	return id, nil
}

// readAll reads f whole, sized by the expected length.
func readAll(f *os.File, size int64) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, size+512))
	if _, err := io.Copy(buf, f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
