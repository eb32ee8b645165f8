package jqueue

import (
	"bytes"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goluxid/goluxid/internal/durable"
)

// jobCacheSize bounds the cache of parsed live jobs: about 20 MB for
// typical jobs, and queries of queues up to that size parse no file twice.
const jobCacheSize = 20000

// SettleTime is how long before a query reads a job file the file must
// have last changed, at most, for later queries to skip reading it while
// its stamp stays the same.
const SettleTime = coarseSettleTime

// How long a file must have been unchanged to be settled: longer than the
// granularity of its times plus a clock tick, with room to spare. Times
// that are whole multiples of 10 ms come from file systems that keep
// coarse times (seconds, or two on FAT), or once in a million from others.
const (
	fineSettleTime   = 100 * time.Millisecond
	coarseSettleTime = 3 * time.Second
	coarseTimeUnit   = int64(10 * time.Millisecond)
)

// jobCache keeps the parsed files of live jobs for queries, whatever the
// jobs' status, so that a query parses only the files that changed.
//
// Every writer of a job file (luxid and the job process alike) writes a
// new file and renames it over the old one, so a new version of a file is
// a new inode, with a change time at least the time it was created. An
// entry records the file's stamp (device, inode, size, modification and
// change times) as fstat gave it on the descriptor its content was read
// from. A later stat that shows the same stamp shows the same file,
// unchanged, provided the entry is settled: the file's times were older,
// by more than their granularity and a clock tick, than the moment before
// the file was opened. An inode
// number comes back only after the file that had it is gone, hence after
// that moment, and so with a later change time. An entry that is not
// settled is checked by reading the file again and comparing its bytes;
// the parsed job is reused when they are equal. The argument assumes that
// the system clock does not step back by more than that margin.
//
// Within one query (the reads of one liveDir), an entry read since the
// query began stands for the file without another look at it: the file
// had that content while the query ran, and a query may show each job as
// it was at any moment of its run. The first query after start so takes
// the files the loading of the queue read meanwhile.
type jobCache struct {
	mu   sync.Mutex // guards jobs and reading
	jobs map[uint64]*cachedJob
	// reading has, for each job file being read and parsed, a channel
	// closed once that is done: another reader of the same file (the
	// first query after start meets recovery's reads) waits for it
	// rather than parsing the file a second time.
	reading map[uint64]chan struct{}
	// now is the clock; time.Now when nil.
	now func() time.Time
}

// cachedJob is one read of a job file. An entry never changes: a later
// read replaces it.
type cachedJob struct {
	stamp   fileStamp
	settled bool
	opened  time.Time // when the file was opened for this read
	data    []byte
	job     *Job
	memo    *Memo
}

// fileStamp identifies a version of a file: its device and the version
// package durable tells apart on one device.
type fileStamp struct {
	dev uint64
	id  durable.FileID
}

func stampOf(st *unix.Stat_t) fileStamp {
	return fileStamp{dev: st.Dev, id: durable.FileIDOf(st)}
}

// fileID is the version of the file s stands for, as package durable
// tells versions apart.
func (s fileStamp) fileID() durable.FileID { return s.id }

// settledAt reports whether the file was last changed long enough before
// t for its stamp to stand for its content: fineSettleTime for fine file
// times, coarseSettleTime for coarse ones.
func (s fileStamp) settledAt(t time.Time) bool {
	mtime, ctime := s.id.Mtime.Nano(), s.id.Ctime.Nano()
	settle := coarseSettleTime
	if mtime%coarseTimeUnit != 0 && ctime%coarseTimeUnit != 0 {
		settle = fineSettleTime
	}
	limit := t.Add(-settle).UnixNano()
	return mtime < limit && ctime < limit
}

// clock is the cache's current time.
func (c *jobCache) clock() time.Time {
	if c.now == nil {
		return time.Now()
	}
	return c.now()
}

func (c *jobCache) lookup(id uint64) *cachedJob {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.jobs[id]
}

// store caches entry as job id's, unless the file in dir has changed or
// gone since it was read. The check runs under the lock forget takes after
// an archive move, so a job archived while a query read it never stays in
// the cache.
func (c *jobCache) store(dir liveDir, id uint64, entry *cachedJob) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if stamp, ok := dir.stamp(id); !ok || stamp != entry.stamp {
		return
	}
	if c.jobs == nil || (len(c.jobs) >= jobCacheSize && c.jobs[id] == nil) {
		c.jobs = make(map[uint64]*cachedJob)
	}
	c.jobs[id] = entry
}

// size is the number of jobs cached.
func (c *jobCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.jobs)
}

// forget drops job id's entry, once its live file is gone (archived), so
// that the cache holds only jobs still in the live queue.
func (c *jobCache) forget(id uint64) {
	c.mu.Lock()
	delete(c.jobs, id)
	c.mu.Unlock()
}

// liveDir names the live queue's files for the reads of one query:
// relative to a descriptor of the directory opened for that query, so that
// a query over thousands of jobs walks the directory's path once, not once
// per file, while the daemon holds no descriptor between queries.
type liveDir struct {
	fd     int    // the queue directory, or AT_FDCWD if it could not be opened
	prefix string // "" or, with AT_FDCWD, the directory's path and a slash
	path   string // the directory's path, for errors
	// since is when the reads' query began: a file read after it is one
	// the query may show as it is.
	since time.Time
}

// openLiveDir opens the live queue for one query's reads; close it after.
func (q *Queue) openLiveDir() liveDir {
	since := q.cache.clock()
	fd, err := unix.Open(q.layout.QueueDir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		// Reading by full path reports the problem per file.
		return liveDir{fd: unix.AT_FDCWD, prefix: q.layout.QueueDir + "/", path: q.layout.QueueDir, since: since}
	}
	return liveDir{fd: fd, path: q.layout.QueueDir, since: since}
}

func (d liveDir) close() {
	if d.fd != unix.AT_FDCWD {
		unix.Close(d.fd)
	}
}

// name is job id's file as a path relative to d.fd.
func (d liveDir) name(id uint64) string { return d.prefix + JobFileName(id) }

// read reads job id's file whole, and its stamp; errors name the file by
// its full path.
func (d liveDir) read(id uint64) ([]byte, fileStamp, error) {
	data, stamp, err := readJobFileAt(d.fd, d.name(id))
	if pe, ok := err.(*fs.PathError); ok {
		pe.Path = filepath.Join(d.path, JobFileName(id))
	}
	return data, stamp, err
}

// stamp is the stamp of job id's file, false if it cannot be had.
func (d liveDir) stamp(id uint64) (fileStamp, bool) {
	var st unix.Stat_t
	if err := unix.Fstatat(d.fd, d.name(id), &st, 0); err != nil {
		return fileStamp{}, false
	}
	return stampOf(&st), true
}

// readLiveForQuery reads job id's live file in dir for a query, parsing
// it only if it changed since it was cached. The job returned is shared:
// callers must not change it.
func (q *Queue) readLiveForQuery(dir liveDir, id uint64) (*cachedJob, error) {
	old := q.cache.lookup(id)
	if current(dir, id, old) {
		return old, nil
	}
	if wait := q.cache.beginRead(id); wait != nil {
		<-wait
		if old = q.cache.lookup(id); current(dir, id, old) {
			return old, nil
		}
		return q.readAndCache(dir, id, old)
	}
	defer q.cache.endRead(id)
	return q.readAndCache(dir, id, old)
}

// current reports whether entry may stand for job id's file in the
// reads of dir: read since those reads' query began (another reader's,
// such as the loading of the queue at start), or settled with the file's
// stamp now.
func current(dir liveDir, id uint64, entry *cachedJob) bool {
	if entry == nil {
		return false
	}
	if !entry.opened.Before(dir.since) {
		return true
	}
	if !entry.settled {
		return false
	}
	stamp, ok := dir.stamp(id)
	return ok && stamp == entry.stamp
}

// beginRead registers a read of job id's file, or returns the channel of
// the read already going on.
func (c *jobCache) beginRead(id uint64) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if wait, ok := c.reading[id]; ok {
		return wait
	}
	if c.reading == nil {
		c.reading = make(map[uint64]chan struct{})
	}
	c.reading[id] = make(chan struct{})
	return nil
}

// endRead ends the read beginRead registered and wakes its waiters.
func (c *jobCache) endRead(id uint64) {
	c.mu.Lock()
	done := c.reading[id]
	delete(c.reading, id)
	c.mu.Unlock()
	close(done)
}

// readAndCache reads job id's file, parses it unless its bytes are those
// of old, and caches the result.
func (q *Queue) readAndCache(dir liveDir, id uint64, old *cachedJob) (*cachedJob, error) {
	opened := q.cache.clock()
	data, stamp, err := dir.read(id)
	if err != nil {
		return nil, err
	}
	entry := &cachedJob{stamp: stamp, settled: stamp.settledAt(opened), opened: opened}
	if old != nil && bytes.Equal(old.data, data) {
		entry.data, entry.job, entry.memo = old.data, old.job, old.memo
	} else {
		job, err := parseOwnedJob(data)
		if err != nil {
			return nil, err
		}
		entry.data, entry.job, entry.memo = data, job, &Memo{}
	}
	q.cache.store(dir, id, entry)
	return entry, nil
}

// readJobFileAt reads the file at path relative to dirfd whole, and the
// stamp fstat gives of the same descriptor: open, fstat, read, close.
// The read stops at the size fstat gave once a read comes back short of
// the buffer, which is the end of a file that no one writes in place.
func readJobFileAt(dirfd int, path string) ([]byte, fileStamp, error) {
	fd, err := unix.Openat(dirfd, path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fileStamp{}, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, fileStamp{}, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	data := make([]byte, 0, st.Size+1)
	for {
		m, err := unix.Read(fd, data[len(data):cap(data)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, fileStamp{}, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		data = data[:len(data)+m]
		switch {
		case m == 0:
			return data, stampOf(&st), nil
		case len(data) < cap(data) && int64(len(data)) >= st.Size:
			return data, stampOf(&st), nil
		case len(data) == cap(data):
			data = append(data, make([]byte, cap(data))...)[:len(data)]
		}
	}
}
