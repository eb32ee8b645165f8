package jqueue

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/internal/durable"
	"golang.org/x/sys/unix"
)

// JobsPerArchiveDir is how many job ids share one archive directory.
const JobsPerArchiveDir = 10000

// jobFileMode is the mode of job files luxid writes.
const jobFileMode = 0o600

// ErrSerial says the serial file could not be read or written.
var ErrSerial = errors.New("jqueue: serial file")

// Replicator copies the queue's changes to the master candidates, as the
// real luxid does through their node daemons after each write it makes.
// Its calls must not fail the write: they log what they could not send.
type Replicator interface {
	// Update sends the new content of a queue file (the serial file or a
	// job file), given by its path.
	Update(path string, content []byte)
	// Rename sends archive moves, [old path, new path] each.
	Rename(renames [][2]string)
	// DrainFlag sends the drain flag's new state.
	DrainFlag(drain bool)
}

// Queue is the job queue directory of one node.
type Queue struct {
	// Replicator, if set, is told of every write (set it before use).
	Replicator Replicator

	layout *paths.Layout
	syncer durable.Syncer
	live   *durable.Dir

	archiveMu sync.Mutex // guards archive
	archive   map[uint64]*durable.Dir

	// liveCount is the number of live job files: counted at Open, raised
	// by AddJob, lowered by Archive.
	liveCount atomic.Int64

	// cache keeps finished live jobs for queries.
	cache finishedCache

	serialMu sync.Mutex // guards serial

	// serialFileMu guards serialWritten, the serial the file shows, and
	// the file itself.
	serialFileMu  sync.Mutex
	serialWritten uint64
	serial        uint64
}

// Open opens the queue below layout. The serial is set to at least the
// highest job id found live or archived, so that no id is ever given out
// twice even if the serial file lost its last updates in a crash.
func Open(layout *paths.Layout, syncer durable.Syncer) (*Queue, error) {
	q := &Queue{
		layout:  layout,
		syncer:  syncer,
		live:    durable.Open(layout.QueueDir, syncer),
		archive: map[uint64]*durable.Dir{},
	}
	serial, serialErr := q.readSerial()
	if serialErr != nil && !errors.Is(serialErr, fs.ErrNotExist) {
		return nil, serialErr
	}
	live, err := q.LiveJobIDs()
	if err != nil {
		return nil, err
	}
	q.liveCount.Store(int64(len(live)))
	highest, err := q.highestJobID()
	if err != nil {
		return nil, err
	}
	q.serial = max(serial, highest)
	// Written whole once in its canonical form, the file is then
	// overwritten in place by allocations.
	if err := q.live.WriteFileNoSync(filepath.Base(q.layout.SerialFile), serialContent(q.serial), 0o600); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSerial, err)
	}
	q.serialWritten = q.serial
	return q, nil
}

// Layout is the node layout the queue lives in.
func (q *Queue) Layout() *paths.Layout { return q.layout }

// readSerial parses the serial file.
func (q *Queue) readSerial() (uint64, error) {
	data, err := os.ReadFile(q.layout.SerialFile)
	if err != nil {
		return 0, fmt.Errorf("%w: Failed to read serial file: %w", ErrSerial, err)
	}
	n, err := strconv.ParseUint(strings.TrimRight(string(data), " \t\r\n"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: Failed to read serial file: %w", ErrSerial, err)
	}
	return n, nil
}

// Serial is the last allocated job id.
func (q *Queue) Serial() uint64 {
	q.serialMu.Lock()
	defer q.serialMu.Unlock()
	return q.serial
}

// AllocateIDs hands out n consecutive new job ids, once the serial file
// shows them used. The serial file is overwritten in place and not synced:
// the job files are the durable record, and Open repairs the serial from
// them. It must not lag behind, though: a Haskell luxid started after this
// one reads it. Concurrent allocations share one write of the file. Ids
// whose serial could not be written are not handed out, and not reused.
func (q *Queue) AllocateIDs(n int) ([]uint64, error) {
	if n < 0 {
		return nil, fmt.Errorf("jqueue: cannot allocate %d job ids", n)
	}
	if n == 0 {
		return []uint64{}, nil
	}
	q.serialMu.Lock()
	first := q.serial + 1
	q.serial += uint64(n)
	target := q.serial
	q.serialMu.Unlock()
	if err := q.persistSerial(target); err != nil {
		return nil, err
	}
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = first + uint64(i)
	}
	return ids, nil
}

// persistSerial makes the serial file show at least target: unless an
// allocation that came later has written it already, it writes the
// current serial, covering every allocation made meanwhile.
func (q *Queue) persistSerial(target uint64) error {
	q.serialFileMu.Lock()
	defer q.serialFileMu.Unlock()
	if q.serialWritten >= target {
		return nil
	}
	current := q.Serial()
	if err := q.overwriteSerial(current); err != nil {
		return err
	}
	q.serialWritten = current
	return nil
}

// overwriteSerial writes serial over the serial file's content in place.
// Replacing the file would free an inode per allocation, and ext4 makes
// every later file creation step over recently freed inodes: at a thousand
// submissions a second that cost more CPU than everything else together.
// The serial only grows, so its text never gets shorter and no old digits
// survive the write; the text is a few bytes in one disk sector.
func (q *Queue) overwriteSerial(serial uint64) error {
	data := serialContent(serial)
	// Plain system calls: an os.File would add five more per allocation.
	fd, err := unix.Open(q.layout.SerialFile, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("%w: writing %s: %w", ErrSerial, q.layout.SerialFile, err)
	}
	n, err := unix.Pwrite(fd, data, 0)
	if err == nil && n < len(data) {
		err = io.ErrShortWrite
	}
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%w: writing %s: %w", ErrSerial, q.layout.SerialFile, err)
	}
	q.replicate(q.layout.SerialFile, data)
	return nil
}

// serialContent is the serial file's text for serial.
func serialContent(serial uint64) []byte {
	return append(strconv.AppendUint(nil, serial, 10), '\n')
}

// replicate hands a written file to the replicator, if any.
func (q *Queue) replicate(path string, data []byte) {
	if q.Replicator != nil {
		q.Replicator.Update(path, data)
	}
}

// JobFileName is the base name of job id's file.
func JobFileName(id uint64) string { return "job-" + strconv.FormatUint(id, 10) }

// ParseJobFileName returns the id of a job file name, or false when the
// name is not job-<digits>.
func ParseJobFileName(name string) (uint64, bool) {
	digits, ok := strings.CutPrefix(name, "job-")
	if !ok || digits == "" {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseUint(digits, 10, 64)
	return id, err == nil
}

// WriteJob stores job as its live file, durably.
func (q *Queue) WriteJob(job *Job) error {
	data, err := job.Marshal()
	if err != nil {
		return err
	}
	if err := q.live.WriteFile(JobFileName(job.ID), data, jobFileMode); err != nil {
		return err
	}
	q.replicate(q.layout.JobFile(job.ID), data)
	return nil
}

// AddJob stores a new job as its live file, durably, and counts it.
func (q *Queue) AddJob(job *Job) error {
	if err := q.WriteJob(job); err != nil {
		return err
	}
	q.liveCount.Add(1)
	return nil
}

// LiveCount is the number of live job files.
func (q *Queue) LiveCount() int64 { return q.liveCount.Load() }

// WriteJobNoSync stores job as its live file atomically but without
// syncing, for rewrites whose loss in a power failure does not matter: the
// processes they describe die with the machine.
func (q *Queue) WriteJobNoSync(job *Job) error {
	data, err := job.Marshal()
	if err != nil {
		return err
	}
	return q.live.WriteFileNoSync(JobFileName(job.ID), data, jobFileMode)
}

// ReadJob loads the live file of job id.
func (q *Queue) ReadJob(id uint64) (*Job, error) {
	return readJobFile(q.layout.JobFile(id))
}

// ReadJobAnywhere loads job id from the live queue, else from the archive,
// reporting whether it was archived.
func (q *Queue) ReadJobAnywhere(id uint64) (*Job, bool, error) {
	job, err := q.ReadJob(id)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return job, false, err
	}
	job, err = readJobFile(q.layout.ArchivedJobFile(id))
	return job, err == nil, err
}

func readJobFile(path string) (*Job, error) {
	data, err := readSmallFile(path)
	if err != nil {
		return nil, err
	}
	return ParseJob(data)
}

// readBuffers are reused for reading job files; queries read thousands.
var readBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// readSmallFile reads a whole file with as few system calls as it can
// (open, read until the end, close), returning a copy sized to its content.
func readSmallFile(path string) ([]byte, error) {
	return readSmallFileAt(unix.AT_FDCWD, path)
}

// readSmallFileAt is readSmallFile of a path relative to the directory dirfd.
func readSmallFileAt(dirfd int, path string) ([]byte, error) {
	fd, err := unix.Openat(dirfd, path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	bufp := readBuffers.Get().(*[]byte)
	defer readBuffers.Put(bufp)
	buf := *bufp
	n := 0
	for {
		if n == len(buf) {
			buf = append(buf, make([]byte, len(buf))...)
			*bufp = buf
		}
		m, err := unix.Read(fd, buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			return append([]byte(nil), buf[:n]...), nil
		}
		n += m
	}
}

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
	var highest uint64
	if len(live) > 0 {
		highest = live[len(live)-1]
	}
	buckets, err := q.archiveBuckets()
	if err != nil {
		return 0, err
	}
	var top uint64
	var topName string
	for _, b := range buckets {
		if n, err := strconv.ParseUint(b, 10, 64); err == nil && (topName == "" || n > top) {
			top, topName = n, b
		}
	}
	if topName != "" {
		ids, err := listJobIDs(filepath.Join(q.layout.ArchiveDir, topName))
		if err != nil {
			return 0, err
		}
		if len(ids) > 0 {
			highest = max(highest, ids[len(ids)-1])
		}
	}
	return highest, nil
}

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
// (mode 0750) on first use.
func (q *Queue) archiveBucket(n uint64) (*durable.Dir, error) {
	q.archiveMu.Lock()
	defer q.archiveMu.Unlock()
	if d, ok := q.archive[n]; ok {
		return d, nil
	}
	path := filepath.Join(q.layout.ArchiveDir, strconv.FormatUint(n, 10))
	err := os.Mkdir(path, 0o750)
	switch {
	case err == nil:
		if err := ownLikeParent(path); err != nil {
			return nil, err
		}
	case !errors.Is(err, fs.ErrExist):
		return nil, fmt.Errorf("creating archive directory %s: %w", path, err)
	}
	d := durable.Open(path, q.syncer)
	q.archive[n] = d
	return d, nil
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

// Drained reports whether the drain file exists.
func (q *Queue) Drained() bool {
	_, err := os.Stat(q.layout.DrainFile)
	return err == nil
}

// SetDrained creates or removes the drain file, and replicates the flag.
// Removing a missing file succeeds (the real luxid fails to answer then).
func (q *Queue) SetDrained(drained bool) error {
	if err := q.writeDrainFile(drained); err != nil {
		return err
	}
	if q.Replicator != nil {
		q.Replicator.DrainFlag(drained)
	}
	return nil
}

func (q *Queue) writeDrainFile(drained bool) error {
	if drained {
		f, err := os.OpenFile(q.layout.DrainFile, os.O_WRONLY|os.O_CREATE, 0o640)
		if err != nil {
			return fmt.Errorf("setting the drain flag: %w", err)
		}
		return f.Close()
	}
	if err := os.Remove(q.layout.DrainFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("clearing the drain flag: %w", err)
	}
	return nil
}
