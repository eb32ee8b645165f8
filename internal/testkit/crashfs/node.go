package crashfs

import (
	"context"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// node is a file or directory of the mount: go-fuse's loopback, with
// every operation that changes the backing passed through the session's
// gate and reported to it.
type node struct {
	*fs.LoopbackNode
	s *session
}

// WrapChild makes every node go-fuse's loopback creates one of ours.
func (n *node) WrapChild(_ context.Context, ops fs.InodeEmbedder) fs.InodeEmbedder {
	return &node{LoopbackNode: ops.(*fs.LoopbackNode), s: n.s}
}

// ino is the node's backing inode number.
func (n *node) ino() uint64 { return n.StableAttr().Ino }

// changeEntry runs op, which changes the entry name of this directory.
func (n *node) changeEntry(name string, op func() syscall.Errno) syscall.Errno {
	if !n.s.enter() {
		return syscall.EIO
	}
	defer n.s.leave()
	errno := op()
	if errno == 0 {
		n.s.entryChanged(n.ino(), name)
	}
	return errno
}

func (n *node) Mknod(ctx context.Context, name string, mode, rdev uint32, out *fuse.EntryOut) (child *fs.Inode, errno syscall.Errno) {
	errno = n.changeEntry(name, func() syscall.Errno {
		child, errno = n.LoopbackNode.Mknod(ctx, name, mode, rdev, out)
		return errno
	})
	return child, errno
}

func (n *node) Mkdir(ctx context.Context, name string, mode uint32, out *fuse.EntryOut) (child *fs.Inode, errno syscall.Errno) {
	errno = n.changeEntry(name, func() syscall.Errno {
		child, errno = n.LoopbackNode.Mkdir(ctx, name, mode, out)
		return errno
	})
	return child, errno
}

func (n *node) Symlink(ctx context.Context, target, name string, out *fuse.EntryOut) (child *fs.Inode, errno syscall.Errno) {
	errno = n.changeEntry(name, func() syscall.Errno {
		child, errno = n.LoopbackNode.Symlink(ctx, target, name, out)
		return errno
	})
	return child, errno
}

func (n *node) Link(ctx context.Context, target fs.InodeEmbedder, name string, out *fuse.EntryOut) (child *fs.Inode, errno syscall.Errno) {
	errno = n.changeEntry(name, func() syscall.Errno {
		child, errno = n.LoopbackNode.Link(ctx, target, name, out)
		return errno
	})
	return child, errno
}

func (n *node) Unlink(ctx context.Context, name string) syscall.Errno {
	return n.changeEntry(name, func() syscall.Errno { return n.LoopbackNode.Unlink(ctx, name) })
}

func (n *node) Rmdir(ctx context.Context, name string) syscall.Errno {
	return n.changeEntry(name, func() syscall.Errno { return n.LoopbackNode.Rmdir(ctx, name) })
}

func (n *node) Rename(ctx context.Context, name string, newParent fs.InodeEmbedder, newName string, flags uint32) syscall.Errno {
	return n.changeEntry(name, func() syscall.Errno {
		errno := n.LoopbackNode.Rename(ctx, name, newParent, newName, flags)
		if errno == 0 {
			n.s.entryChanged(newParent.EmbeddedInode().StableAttr().Ino, newName)
		}
		return errno
	})
}

func (n *node) Create(ctx context.Context, name string, flags, mode uint32, out *fuse.EntryOut) (child *fs.Inode, fh fs.FileHandle, fuseFlags uint32, errno syscall.Errno) {
	errno = n.changeEntry(name, func() syscall.Errno {
		child, fh, fuseFlags, errno = n.LoopbackNode.Create(ctx, name, flags, mode, out)
		if errno == 0 {
			fh = n.s.opened(fh, child.StableAttr().Ino)
		}
		return errno
	})
	return child, fh, fuseFlags, errno
}

// Tmpfile refuses O_TMPFILE: such a file can get a name only by a link
// the loopback cannot make.
func (n *node) Tmpfile(context.Context, uint32, uint32, *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	return nil, nil, 0, syscall.ENOSYS
}

func (n *node) Open(ctx context.Context, flags uint32) (fh fs.FileHandle, fuseFlags uint32, errno syscall.Errno) {
	if !n.s.enter() {
		return nil, 0, syscall.EIO
	}
	defer n.s.leave()
	fh, fuseFlags, errno = n.LoopbackNode.Open(ctx, flags)
	if errno != 0 {
		return nil, 0, errno
	}
	if flags&syscall.O_TRUNC != 0 {
		n.s.written(n.ino())
	}
	return n.s.opened(fh, n.ino()), fuseFlags, 0
}

func (n *node) Setattr(ctx context.Context, f fs.FileHandle, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	if !n.s.enter() {
		return syscall.EIO
	}
	defer n.s.leave()
	errno := n.LoopbackNode.Setattr(ctx, f, in, out)
	if _, resized := in.GetSize(); resized && errno == 0 {
		n.s.written(n.ino())
	}
	return errno
}

// CopyFileRange declines, so that the kernel copies by reads and writes
// the mount sees.
func (n *node) CopyFileRange(context.Context, fs.FileHandle, uint64, *fs.Inode, fs.FileHandle, uint64, uint64, uint64) (uint32, syscall.Errno) {
	return 0, syscall.ENOSYS
}

// OpendirHandle opens the directory with a handle that leaves fsync to
// Fsync below.
func (n *node) OpendirHandle(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	fh, fuseFlags, errno := n.LoopbackNode.OpendirHandle(ctx, flags)
	if errno != 0 {
		return nil, 0, errno
	}
	d := &dirHandle{dirStream: fh.(dirStream), s: n.s}
	n.s.track(d)
	return d, fuseFlags, 0
}

// Fsync makes a file's content or a directory's entries durable.
func (n *node) Fsync(_ context.Context, f fs.FileHandle, _ uint32) syscall.Errno {
	if !n.s.enter() {
		return syscall.EIO
	}
	errno := n.sync(f)
	n.s.leave()
	if errno == 0 {
		n.s.collectIfDue()
	}
	return errno
}

func (n *node) sync(f fs.FileHandle) syscall.Errno {
	if n.StableAttr().Mode&syscall.S_IFMT == syscall.S_IFDIR {
		return fs.ToErrno(n.s.syncDir(n.ino(), n.backingPath()))
	}
	file, ok := f.(*file)
	if !ok {
		return syscall.EBADF
	}
	return fs.ToErrno(n.s.syncFile(file))
}

// backingPath is where the node is in the backing.
func (n *node) backingPath() string {
	return n.s.root + "/" + n.Path(nil)
}

// dirStream is what go-fuse's loopback directory handle does besides
// fsync.
type dirStream interface {
	fs.FileReaddirenter
	fs.FileSeekdirer
	fs.FileReleasedirer
}

// dirHandle is a loopback directory handle without its fsync, so that
// go-fuse sends a directory's fsync to its node.
type dirHandle struct {
	dirStream
	s *session
}

func (d *dirHandle) Releasedir(context.Context, uint32) { d.s.released(d) }

func (d *dirHandle) close() { d.dirStream.Releasedir(context.Background(), 0) }
