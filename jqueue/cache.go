package jqueue

import (
	"sync"

	"golang.org/x/sys/unix"

	"github.com/goluxid/goluxid/internal/durable"
)

// finishedCacheSize bounds the cache of finished live jobs: about 20 MB
// for typical jobs, and queries of queues up to that size read no file
// twice.
const finishedCacheSize = 20000

// finishedCache keeps the parsed files of finished live jobs for queries.
// A finished job's file no longer changes (nothing rewrites it but an
// archive move), and each entry is checked against the file's version
// (inode, size, modification and change times) before use, so a changed
// file is read again.
type finishedCache struct {
	mu   sync.Mutex // guards jobs
	jobs map[uint64]cachedJob
}

type cachedJob struct {
	file durable.FileID
	job  *Job
}

// liveDir names the live queue's files for the reads of one query:
// relative to a descriptor of the directory opened for that query, so that
// a query over thousands of jobs walks the directory's path once, not once
// per file, while the daemon holds no descriptor between queries.
type liveDir struct {
	fd     int    // the queue directory, or AT_FDCWD if it could not be opened
	prefix string // "" or, with AT_FDCWD, the directory's path and a slash
}

// openLiveDir opens the live queue for one query's reads; close it after.
func (q *Queue) openLiveDir() liveDir {
	fd, err := unix.Open(q.layout.QueueDir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		// Reading by full path reports the problem per file.
		return liveDir{fd: unix.AT_FDCWD, prefix: q.layout.QueueDir + "/"}
	}
	return liveDir{fd: fd}
}

func (d liveDir) close() {
	if d.fd != unix.AT_FDCWD {
		unix.Close(d.fd)
	}
}

// name is job id's file as a path relative to d.fd.
func (d liveDir) name(id uint64) string { return d.prefix + JobFileName(id) }

// readLiveForQuery reads job id's live file in dir for a query, from the
// cache when the file is unchanged, and returns the version it read. The
// job returned is shared: callers must not change it.
func (q *Queue) readLiveForQuery(dir liveDir, id uint64) (*Job, durable.FileID, error) {
	var st unix.Stat_t
	if err := unix.Fstatat(dir.fd, dir.name(id), &st, 0); err == nil {
		file := durable.FileIDOf(&st)
		q.cache.mu.Lock()
		c, ok := q.cache.jobs[id]
		q.cache.mu.Unlock()
		if ok && c.file == file {
			return c.job, file, nil
		}
	}
	data, file, err := readVersionAt(dir.fd, dir.name(id))
	if err != nil {
		return nil, file, err
	}
	job, err := ParseJob(data)
	if err != nil || !job.Status().Finalized() {
		return job, file, err
	}
	q.cache.mu.Lock()
	if q.cache.jobs == nil || len(q.cache.jobs) >= finishedCacheSize {
		q.cache.jobs = make(map[uint64]cachedJob)
	}
	q.cache.jobs[id] = cachedJob{file: file, job: job}
	q.cache.mu.Unlock()
	return job, file, nil
}

// forget drops job id's entry, once its live file is gone (archived), so
// that the cache holds only jobs still in the live queue.
func (c *finishedCache) forget(id uint64) {
	c.mu.Lock()
	delete(c.jobs, id)
	c.mu.Unlock()
}
