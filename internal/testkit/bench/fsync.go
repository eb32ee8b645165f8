package bench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// durableWriteSize is the size of one probe write, about a queued job file.
const durableWriteSize = 700

// DurableWrites is the machine's limit for small durable writes on one
// disk, measured from one writer.
type DurableWrites struct {
	N         int     `json:"n"`
	P50Millis float64 `json:"p50_ms"`
	P99Millis float64 `json:"p99_ms"`
	// PerSecond is N divided by the time all N took.
	PerSecond float64 `json:"per_second"`
}

// measureDurableWrites times n durable writes of a small file in a new
// directory under dir: create a temp file, write, fsync, close, rename
// over the target, fsync the directory. The directory is removed after.
func measureDurableWrites(dir string, n int) (DurableWrites, error) {
	d, err := os.MkdirTemp(dir, "fsync-probe")
	if err != nil {
		return DurableWrites{}, fmt.Errorf("bench: durable write probe: %w", err)
	}
	defer os.RemoveAll(d)
	data := make([]byte, durableWriteSize)
	lat := make([]time.Duration, 0, n)
	start := time.Now()
	for i := range n {
		t := time.Now()
		if err := durableWrite(d, i, data); err != nil {
			return DurableWrites{}, fmt.Errorf("bench: durable write probe: %w", err)
		}
		lat = append(lat, time.Since(t))
	}
	total := time.Since(start)
	return DurableWrites{
		N: n, P50Millis: ms(percentile(lat, 50)), P99Millis: ms(percentile(lat, 99)),
		PerSecond: perSecond(n, total),
	}, nil
}

// durableWrite writes data to dir/file durably, the way a job file is
// written.
func durableWrite(dir string, i int, data []byte) error {
	tmp := filepath.Join(dir, "file-"+strconv.Itoa(i)+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, "file")); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// fsyncInterval is how often an fsyncSampler writes.
const fsyncInterval = 10 * time.Millisecond

// fsyncSampler times, every fsyncInterval, a small write and fsync of a
// file of its own, to tell what the disk gives a writer meanwhile.
type fsyncSampler struct {
	f    *os.File
	stop chan struct{}
	done chan struct{}
	// lat and err are the loop's; they are read once done is closed.
	lat []time.Duration
	err error
}

// startFsyncSampler starts sampling with a temporary file in dir; Stop
// ends it and removes the file.
func startFsyncSampler(dir string) (*fsyncSampler, error) {
	f, err := os.CreateTemp(dir, "luxibench-fsync-")
	if err != nil {
		return nil, fmt.Errorf("bench: fsync sampler: %w", err)
	}
	s := &fsyncSampler{f: f, stop: make(chan struct{}), done: make(chan struct{})}
	go s.loop()
	return s, nil
}

func (s *fsyncSampler) loop() {
	defer close(s.done)
	ticker := time.NewTicker(fsyncInterval)
	defer ticker.Stop()
	data := make([]byte, durableWriteSize)
	for {
		select {
		case <-s.stop:
			return
		case <-ticker.C:
		}
		t := time.Now()
		_, err := s.f.WriteAt(data, 0)
		if err == nil {
			err = s.f.Sync()
		}
		if err != nil {
			// A failed fsync is not tried again: the sampling ends.
			s.err = fmt.Errorf("bench: fsync sampler: %w", err)
			return
		}
		s.lat = append(s.lat, time.Since(t))
	}
}

// Stop ends the sampling, removes the file and returns every write's
// latency.
func (s *fsyncSampler) Stop() ([]time.Duration, error) {
	close(s.stop)
	<-s.done
	err := errors.Join(s.err, s.f.Close(), os.Remove(s.f.Name()))
	return s.lat, err
}
