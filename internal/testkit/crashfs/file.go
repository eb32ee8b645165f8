package crashfs

import (
	"context"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// file is an open regular file: go-fuse's loopback file, with writes
// passed through the session's gate and reported to it. It offers no
// passthrough descriptor, so every write reaches the mount; its fsync is
// the node's.
type file struct {
	lf  *fs.LoopbackFile
	fd  int // lf's descriptor of the backing file, open until Release
	ino uint64
	s   *session
}

func (f *file) Write(ctx context.Context, data []byte, off int64) (uint32, syscall.Errno) {
	return f.change(func() (uint32, syscall.Errno) { return f.lf.Write(ctx, data, off) })
}

func (f *file) Writev(ctx context.Context, data [][]byte, off int64) (uint32, syscall.Errno) {
	return f.change(func() (uint32, syscall.Errno) { return f.lf.Writev(ctx, data, off) })
}

func (f *file) Allocate(ctx context.Context, off, size uint64, mode uint32) syscall.Errno {
	_, errno := f.change(func() (uint32, syscall.Errno) { return 0, f.lf.Allocate(ctx, off, size, mode) })
	return errno
}

// change runs op, which changes the file's content.
func (f *file) change(op func() (uint32, syscall.Errno)) (uint32, syscall.Errno) {
	if !f.s.enter() {
		return 0, syscall.EIO
	}
	defer f.s.leave()
	n, errno := op()
	if errno == 0 {
		f.s.written(f.ino)
	}
	return n, errno
}

// Setattr is reached only through the node's Setattr, which holds the
// gate.
func (f *file) Setattr(ctx context.Context, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	return f.lf.Setattr(ctx, in, out)
}

func (f *file) Read(ctx context.Context, buf []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	return f.lf.Read(ctx, buf, off)
}

func (f *file) Getattr(ctx context.Context, out *fuse.AttrOut) syscall.Errno {
	return f.lf.Getattr(ctx, out)
}

func (f *file) Statx(ctx context.Context, flags, mask uint32, out *fuse.StatxOut) syscall.Errno {
	return f.lf.Statx(ctx, flags, mask, out)
}

func (f *file) Lseek(ctx context.Context, off uint64, whence uint32) (uint64, syscall.Errno) {
	return f.lf.Lseek(ctx, off, whence)
}

func (f *file) Flush(ctx context.Context) syscall.Errno {
	return f.lf.Flush(ctx)
}

func (f *file) Release(context.Context) syscall.Errno {
	f.s.released(f)
	return 0
}

func (f *file) close() { f.lf.Release(context.Background()) }
