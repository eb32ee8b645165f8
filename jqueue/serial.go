package jqueue

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// serialFileMode is the mode of the serial file luxid writes.
const serialFileMode = 0o600

// ErrSerial says the serial file could not be read or written.
var ErrSerial = errors.New("jqueue: serial file")

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

// initSerial sets the serial and writes the serial file whole and
// durably, in its canonical form, which allocations then overwrite in
// place: after a power failure the file holds at least this serial, and
// never nothing (a later directory sync would make the new name durable
// before unsynced data). Open calls it before the queue is shared, so it
// takes no lock.
func (q *Queue) initSerial(serial uint64) error {
	q.serial = serial
	if err := q.live.WriteFile(q.serialFileName(), serialContent(serial), serialFileMode); err != nil {
		return fmt.Errorf("%w: %w", ErrSerial, err)
	}
	q.serialWritten = serial
	q.serialSynced = serial
	return nil
}

// Serial is the last allocated job id.
func (q *Queue) Serial() uint64 {
	q.serialMu.Lock()
	defer q.serialMu.Unlock()
	return q.serial
}

// AllocateIDs hands out n consecutive new job ids, once the serial file
// shows them used. The serial file is overwritten in place and not synced
// here: AddJobs syncs it before the jobs' files appear. It must not lag
// behind: a Haskell luxid started after this one reads it. Concurrent
// allocations share one write of the file. Ids whose serial could not be
// written are not handed out, and not reused.
func (q *Queue) AllocateIDs(n int) ([]uint64, error) {
	if n < 0 {
		return nil, fmt.Errorf("jqueue: cannot allocate %d job ids", n)
	}
	if n == 0 {
		return []uint64{}, nil
	}
	first, last := q.reserveIDs(uint64(n))
	if err := q.persistSerial(last); err != nil {
		return nil, err
	}
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = first + uint64(i)
	}
	return ids, nil
}

// reserveIDs raises the serial by n, returning the first and last id
// reserved.
func (q *Queue) reserveIDs(n uint64) (first, last uint64) {
	q.serialMu.Lock()
	defer q.serialMu.Unlock()
	first = q.serial + 1
	q.serial += n
	return first, q.serial
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
	if err := pwriteFile(q.layout.SerialFile, data); err != nil {
		return fmt.Errorf("%w: writing %s: %w", ErrSerial, q.layout.SerialFile, err)
	}
	q.replicate(q.layout.SerialFile, data)
	return nil
}

// pwriteFile writes data at the start of the existing file path, with
// plain system calls: an os.File would add five more per allocation.
func pwriteFile(path string, data []byte) error {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	n, err := unix.Pwrite(fd, data, 0)
	if err == nil && n < len(data) {
		err = io.ErrShortWrite
	}
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	return err
}

// syncSerial makes the serial file durable showing at least target, an id
// AllocateIDs handed out: unless a sync that started later has covered it
// already, it syncs the file, covering every allocation written so far.
func (q *Queue) syncSerial(target uint64) error {
	q.serialSyncMu.Lock()
	defer q.serialSyncMu.Unlock()
	if q.serialSynced >= target {
		return nil
	}
	written := q.writtenSerial()
	if err := q.live.SyncFile(q.serialFileName()); err != nil {
		return fmt.Errorf("%w: syncing %s: %w", ErrSerial, q.layout.SerialFile, err)
	}
	q.serialSynced = written
	return nil
}

// writtenSerial is the serial the serial file shows.
func (q *Queue) writtenSerial() uint64 {
	q.serialFileMu.Lock()
	defer q.serialFileMu.Unlock()
	return q.serialWritten
}

// serialFileName is the serial file's name in the queue directory.
func (q *Queue) serialFileName() string { return filepath.Base(q.layout.SerialFile) }

// serialContent is the serial file's text for serial.
func serialContent(serial uint64) []byte {
	return append(strconv.AppendUint(nil, serial, 10), '\n')
}
