package jqueue

import (
	"sync"

	"golang.org/x/sys/unix"
)

// finishedCacheSize bounds the cache of finished live jobs: about 20 MB
// for typical jobs, and queries of queues up to that size read no file
// twice.
const finishedCacheSize = 20000

// finishedCache keeps the parsed files of finished live jobs for queries.
// A finished job's file no longer changes (nothing rewrites it but an
// archive move), and each entry is checked against the file's inode,
// size and modification time before use, so a changed file is read again.
type finishedCache struct {
	mu   sync.Mutex // guards jobs
	jobs map[uint64]cachedJob
}

type cachedJob struct {
	stat fileStamp
	job  *Job
}

// fileStamp identifies a version of a file.
type fileStamp struct {
	ino, size int64
	sec, nsec int64
}

func stampOf(st *unix.Stat_t) fileStamp {
	return fileStamp{ino: int64(st.Ino), size: st.Size, sec: st.Mtim.Sec, nsec: st.Mtim.Nsec}
}

// readLiveForQuery reads job id's live file for a query, from the cache
// when the file is unchanged. The job returned is shared: callers must
// not change it.
func (q *Queue) readLiveForQuery(id uint64) (*Job, error) {
	if q.liveFD < 0 {
		return q.ReadJob(id)
	}
	var st unix.Stat_t
	if err := unix.Fstatat(q.liveFD, JobFileName(id), &st, 0); err != nil {
		return q.ReadJob(id) // reports the error the way reading does
	}
	stamp := stampOf(&st)
	q.cache.mu.Lock()
	c, ok := q.cache.jobs[id]
	q.cache.mu.Unlock()
	if ok && c.stat == stamp {
		return c.job, nil
	}
	job, err := q.ReadJob(id)
	if err != nil || !job.Status().Finalized() {
		return job, err
	}
	q.cache.mu.Lock()
	if q.cache.jobs == nil || len(q.cache.jobs) >= finishedCacheSize {
		q.cache.jobs = make(map[uint64]cachedJob)
	}
	q.cache.jobs[id] = cachedJob{stat: stamp, job: job}
	q.cache.mu.Unlock()
	return job, nil
}

// forget drops job id's entry, once its live file is gone (archived), so
// that the cache holds only jobs still in the live queue.
func (c *finishedCache) forget(id uint64) {
	c.mu.Lock()
	delete(c.jobs, id)
	c.mu.Unlock()
}
