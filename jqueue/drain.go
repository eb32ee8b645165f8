package jqueue

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// drainFileMode is the mode of the drain file luxid creates.
const drainFileMode = 0o640

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

// writeDrainFile creates or removes the drain file, without syncing.
func (q *Queue) writeDrainFile(drained bool) error {
	if drained {
		return createDrainFile(q.layout.DrainFile)
	}
	if err := os.Remove(q.layout.DrainFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("clearing the drain flag: %w", err)
	}
	return nil
}

// createDrainFile creates the empty drain file at path, or leaves it as it
// is when it exists.
func createDrainFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, drainFileMode)
	if err != nil {
		return fmt.Errorf("setting the drain flag: %w", err)
	}
	return f.Close()
}
