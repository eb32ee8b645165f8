package jqueue

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// LiveJobIDs lists the live jobs in ascending order.
func (q *Queue) LiveJobIDs() ([]uint64, error) {
	return listJobIDs(q.layout.QueueDir)
}

// ArchivedJobIDs lists the archived jobs in ascending order.
func (q *Queue) ArchivedJobIDs() ([]uint64, error) {
	buckets, err := q.archiveBuckets()
	if err != nil {
		return nil, err
	}
	var ids []uint64
	for _, b := range buckets {
		got, err := listJobIDs(filepath.Join(q.layout.ArchiveDir, b))
		if err != nil {
			return nil, err
		}
		ids = append(ids, got...)
	}
	slices.Sort(ids)
	return ids, nil
}

// archiveBuckets lists the archive's subdirectories (any name not starting
// with a dot, as Ganeti lists them).
func (q *Queue) archiveBuckets() ([]string, error) {
	entries, err := os.ReadDir(q.layout.ArchiveDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", q.layout.ArchiveDir, err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// listJobIDs returns the ids of the job files in dir, ascending.
func listJobIDs(dir string) ([]uint64, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", dir, err)
	}
	defer f.Close()
	var ids []uint64
	for {
		names, err := f.Readdirnames(4096)
		for _, name := range names {
			if id, ok := ParseJobFileName(name); ok {
				ids = append(ids, id)
			}
		}
		if err != nil {
			break
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// highestJobID is the largest job id found live or in the archive's
// highest bucket.
func (q *Queue) highestJobID() (uint64, error) {
	live, err := q.LiveJobIDs()
	if err != nil {
		return 0, err
	}
	archived, err := q.highestArchivedJobID()
	if err != nil {
		return 0, err
	}
	return max(lastID(live), archived), nil
}

// highestArchivedJobID is the largest job id in the archive bucket with
// the highest number, or 0.
func (q *Queue) highestArchivedJobID() (uint64, error) {
	buckets, err := q.archiveBuckets()
	if err != nil {
		return 0, err
	}
	top, ok := highestBucket(buckets)
	if !ok {
		return 0, nil
	}
	ids, err := listJobIDs(filepath.Join(q.layout.ArchiveDir, top))
	if err != nil {
		return 0, err
	}
	return lastID(ids), nil
}

// highestBucket names the bucket with the highest number, skipping names
// that are not numbers; false when there is none.
func highestBucket(buckets []string) (string, bool) {
	var top uint64
	var topName string
	for _, b := range buckets {
		if n, err := strconv.ParseUint(b, 10, 64); err == nil && (topName == "" || n > top) {
			top, topName = n, b
		}
	}
	return topName, topName != ""
}

// lastID is the last of ascending ids, or 0 when there are none.
func lastID(ids []uint64) uint64 {
	if len(ids) == 0 {
		return 0
	}
	return ids[len(ids)-1]
}
