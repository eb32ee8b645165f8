package jqueue

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/goluxid/goluxid/internal/durable"
)

// JobsPerArchiveDir is how many job ids share one archive directory.
const JobsPerArchiveDir = 10000

// archiveDirMode is the mode of the archive directories luxid creates.
const archiveDirMode = 0o750

// Archive moves job id's live file into the archive, durably in both
// directories. It reports false when the job has no live file.
func (q *Queue) Archive(id uint64) (bool, error) {
	bucket, err := q.archiveBucket(id / JobsPerArchiveDir)
	if err != nil {
		return false, err
	}
	err = q.live.Rename(JobFileName(id), bucket, JobFileName(id))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("Archiving failed in an unexpected way: %w", err)
	}
	q.liveCount.Add(-1)
	q.cache.forget(id)
	if q.Replicator != nil {
		q.Replicator.Rename([][2]string{{q.layout.JobFile(id), q.layout.ArchivedJobFile(id)}})
	}
	return true, nil
}

// archiveBucket returns the archive directory for bucket n, creating it
// on first use. The first use in this process also syncs archive/, so
// that the bucket's name is durable before a job moves into it, whoever
// created it.
func (q *Queue) archiveBucket(n uint64) (*durable.Dir, error) {
	q.archiveMu.Lock()
	defer q.archiveMu.Unlock()
	if d, ok := q.archive[n]; ok {
		return d, nil
	}
	path := filepath.Join(q.layout.ArchiveDir, strconv.FormatUint(n, 10))
	if err := makeArchiveDir(path); err != nil {
		return nil, err
	}
	if err := q.archiveRoot.SyncDir(); err != nil {
		return nil, fmt.Errorf("creating archive directory %s: %w", path, err)
	}
	d := durable.Open(path, q.syncer)
	q.archive[n] = d
	return d, nil
}

// makeArchiveDir creates the archive directory path, owned like its
// parent, unless it exists.
func makeArchiveDir(path string) error {
	err := os.Mkdir(path, archiveDirMode)
	switch {
	case err == nil:
		return ownLikeParent(path)
	case errors.Is(err, fs.ErrExist):
		return nil
	default:
		return fmt.Errorf("creating archive directory %s: %w", path, err)
	}
}

// ownLikeParent gives a new directory the owner and group of its parent
// (gnt-masterd:gnt-daemons for the archive, as Ganeti's daemons create
// archive directories), when this process may.
func ownLikeParent(path string) error {
	fi, err := os.Stat(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("creating archive directory %s: %w", path, err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || (int(st.Uid) == os.Getuid() && int(st.Gid) == os.Getgid()) {
		return nil
	}
	if err := os.Chown(path, int(st.Uid), int(st.Gid)); err != nil && os.Geteuid() == 0 {
		return fmt.Errorf("setting the owner of archive directory %s: %w", path, err)
	}
	return nil
}

// finishArchiveMoves completes the archive moves a crash interrupted. A
// move syncs the archive directory before the queue directory, so that a
// crash between the two leaves the job under both names, never under
// none: the live name goes where the archived file holds the same
// content, and the queue directory is synced.
func (q *Queue) finishArchiveMoves() error {
	ids, err := q.LiveJobIDs()
	if err != nil {
		return err
	}
	removed := false
	for _, id := range ids {
		archived, err := os.ReadFile(q.layout.ArchivedJobFile(id))
		if err != nil {
			continue // not archived, or not readable: the live file stays
		}
		live, err := os.ReadFile(q.layout.JobFile(id))
		if err != nil || !bytes.Equal(live, archived) {
			continue
		}
		if err := os.Remove(q.layout.JobFile(id)); err != nil {
			return fmt.Errorf("finishing the archive move of job %d: %w", id, err)
		}
		removed = true
	}
	if !removed {
		return nil
	}
	if err := q.live.SyncDir(); err != nil {
		return fmt.Errorf("finishing archive moves: %w", err)
	}
	return nil
}
