// Package inotify watches directories with one raw Linux inotify instance
// shared by every interested party.
//
// Ganeti's queue changes by files being written, renamed and closed in a
// few directories (the queue, the livelocks). Watching those directories,
// not the files, survives the rename-over-target way every Ganeti program
// writes, and costs one watch per directory however many jobs or waiters
// there are. Subscribers name the file they care about (or every file of
// the directory) and receive a wake-up on a channel that holds at most one
// pending signal: a wake-up means "look again", never "this exact thing
// happened". When the kernel's event queue overflows, every subscriber is
// woken, since anything may have changed.
package inotify

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// DirEvents are the directory events that mean a file in it changed: a
// write finished, a file was created, renamed in or out, or removed.
const DirEvents = unix.IN_CLOSE_WRITE | unix.IN_CREATE | unix.IN_MOVED_TO | unix.IN_MOVED_FROM | unix.IN_DELETE

// ErrClosed is returned after Close.
var ErrClosed = errors.New("inotify: watcher closed")

// Watcher is one inotify instance.
type Watcher struct {
	file *os.File
	done chan struct{}

	mu     sync.Mutex // guards the fields below
	dirs   map[string]*dirWatch
	byWD   map[int32]*dirWatch
	closed bool
}

// dirWatch is one watched directory and its subscribers.
type dirWatch struct {
	wd     int32
	path   string
	byName map[string]map[*Sub]struct{}
	all    map[*Sub]struct{}
}

// Sub is one subscription; C is signalled (without blocking) on changes.
type Sub struct {
	C    chan struct{}
	w    *Watcher
	dirs []string
	name string // "" for every file of the directories
}

// New starts a watcher and its reading goroutine; Close ends both.
func New() (*Watcher, error) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("inotify_init1: %w", err)
	}
	w := &Watcher{
		file: os.NewFile(uintptr(fd), "inotify"),
		done: make(chan struct{}),
		dirs: map[string]*dirWatch{},
		byWD: map[int32]*dirWatch{},
	}
	go w.readLoop()
	return w, nil
}

// Subscribe asks to be woken when the file name in dir changes (name ""
// means any file of dir). The directory watch is added on first use.
func (w *Watcher) Subscribe(dir, name string) (*Sub, error) {
	return w.subscribe([]string{filepath.Clean(dir)}, name)
}

// SubscribeDirs asks for one wake-up channel for a change of any file in
// any of dirs: a tree of source files, for example, whose change makes
// something loaded from it stale.
func (w *Watcher) SubscribeDirs(dirs []string) (*Sub, error) {
	clean := make([]string, len(dirs))
	for i, d := range dirs {
		clean[i] = filepath.Clean(d)
	}
	return w.subscribe(clean, "")
}

func (w *Watcher) subscribe(dirs []string, name string) (*Sub, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil, ErrClosed
	}
	s := &Sub{C: make(chan struct{}, 1), w: w, dirs: dirs, name: name}
	for i, dir := range dirs {
		dw, err := w.watchLocked(dir)
		if err != nil {
			s.dirs = dirs[:i]
			s.closeLocked()
			return nil, err
		}
		dw.add(s)
	}
	return s, nil
}

// watchLocked returns the watch of dir, adding it on first use.
func (w *Watcher) watchLocked(dir string) (*dirWatch, error) {
	if dw, ok := w.dirs[dir]; ok {
		return dw, nil
	}
	wd, err := unix.InotifyAddWatch(int(w.file.Fd()), dir, DirEvents|unix.IN_ONLYDIR)
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", dir, err)
	}
	dw := &dirWatch{wd: int32(wd), path: dir, byName: map[string]map[*Sub]struct{}{}, all: map[*Sub]struct{}{}}
	w.dirs[dir] = dw
	w.byWD[dw.wd] = dw
	return dw, nil
}

func (dw *dirWatch) add(s *Sub) {
	if s.name == "" {
		dw.all[s] = struct{}{}
		return
	}
	if dw.byName[s.name] == nil {
		dw.byName[s.name] = map[*Sub]struct{}{}
	}
	dw.byName[s.name][s] = struct{}{}
}

func (dw *dirWatch) remove(s *Sub) {
	if s.name == "" {
		delete(dw.all, s)
		return
	}
	delete(dw.byName[s.name], s)
	if len(dw.byName[s.name]) == 0 {
		delete(dw.byName, s.name)
	}
}

// Close ends the subscription. The directories stay watched: directories
// are few and long-lived.
func (s *Sub) Close() {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	s.closeLocked()
}

func (s *Sub) closeLocked() {
	for _, dir := range s.dirs {
		if dw, ok := s.w.dirs[dir]; ok {
			dw.remove(s)
		}
	}
}

// signal wakes s without blocking.
func (s *Sub) signal() {
	select {
	case s.C <- struct{}{}:
	default:
	}
}

// Close stops the watcher; subscriptions receive no more wake-ups.
func (w *Watcher) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	err := w.file.Close()
	<-w.done
	return err
}

// readLoop reads events until the file is closed.
func (w *Watcher) readLoop() {
	defer close(w.done)
	buf := make([]byte, 64*(unix.SizeofInotifyEvent+unix.NAME_MAX+1))
	for {
		n, err := w.file.Read(buf)
		if err != nil {
			return
		}
		w.dispatch(buf[:n])
	}
}

// dispatch wakes the subscribers of every event in buf.
func (w *Watcher) dispatch(buf []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for off := 0; off+unix.SizeofInotifyEvent <= len(buf); {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
		nameBytes := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
		off += unix.SizeofInotifyEvent + int(ev.Len)
		if ev.Mask&unix.IN_Q_OVERFLOW != 0 {
			w.wakeAllLocked()
			continue
		}
		dw, ok := w.byWD[ev.Wd]
		if !ok {
			continue
		}
		if ev.Mask&unix.IN_IGNORED != 0 {
			// The directory itself went away: wake everyone, forget it.
			w.wakeDirLocked(dw)
			delete(w.byWD, dw.wd)
			delete(w.dirs, dw.path)
			continue
		}
		name := cString(nameBytes)
		for s := range dw.byName[name] {
			s.signal()
		}
		for s := range dw.all {
			s.signal()
		}
	}
}

func (w *Watcher) wakeAllLocked() {
	for _, dw := range w.dirs {
		w.wakeDirLocked(dw)
	}
}

func (w *Watcher) wakeDirLocked(dw *dirWatch) {
	for _, subs := range dw.byName {
		for s := range subs {
			s.signal()
		}
	}
	for s := range dw.all {
		s.signal()
	}
}

// cString cuts the NUL padding of an event's name.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
