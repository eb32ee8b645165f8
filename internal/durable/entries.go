package durable

import (
	"path/filepath"

	"golang.org/x/sys/unix"
)

// FileID identifies a version of a file: its inode, size, and times of
// modification and status change. Replacing a file by rename gives its
// name another FileID, even where the file system reuses the inode
// number, unless the new file has the same size and both times fall in
// the same clock tick.
type FileID struct {
	Ino          uint64
	Size         int64
	Mtime, Ctime unix.Timespec
}

// FileIDOf is the FileID of the file st describes.
func FileIDOf(st *unix.Stat_t) FileID {
	return FileID{Ino: st.Ino, Size: st.Size, Mtime: st.Mtim, Ctime: st.Ctim}
}

// entry is a version of a name and the request whose sync makes it
// durable.
type entry struct {
	id     FileID
	ticket uint64
}

// EnsureDurable returns once the directory entries seen (name to the
// version a reader found under it, whose data its writer synced) are
// durable: unless a finished sync already covers a version, it waits for
// one that starts after the call, shared with concurrent callers. The
// caller looked the versions up before the call, so that sync covers the
// renames that made them.
func (d *Dir) EnsureDurable(seen map[string]FileID) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var need, fresh uint64
	for name, id := range seen {
		if e, ok := d.entries[name]; ok && e.id == id {
			need = max(need, e.ticket)
			continue
		}
		if fresh == 0 {
			d.requested++
			fresh = d.requested
		}
		d.entries[name] = entry{id: id, ticket: fresh}
		need = max(need, fresh)
	}
	return d.awaitLocked(need)
}

// noteRenamed records the version now under name, synced by its writer,
// as durable once a sync that starts from now on has finished.
func (d *Dir) noteRenamed(name string) {
	var st unix.Stat_t
	if err := unix.Stat(filepath.Join(d.path, name), &st); err != nil {
		d.forget(name)
		return
	}
	d.mu.Lock()
	d.requested++
	d.entries[name] = entry{id: FileIDOf(&st), ticket: d.requested}
	d.mu.Unlock()
}

// forget drops what is known of name.
func (d *Dir) forget(name string) {
	d.mu.Lock()
	delete(d.entries, name)
	d.mu.Unlock()
}
