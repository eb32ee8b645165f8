package jqueue

import (
	"encoding/json"
	"fmt"
	"time"
)

// Timestamp is Ganeti's [seconds, microseconds] pair.
type Timestamp struct {
	Sec, Usec int64
}

// TimestampOf converts t.
func TimestampOf(t time.Time) Timestamp {
	return Timestamp{Sec: t.Unix(), Usec: int64(t.Nanosecond() / 1000)}
}

// Nanos is the timestamp in nanoseconds, the unit of reason trails.
func (ts Timestamp) Nanos() int64 { return ts.Sec*1_000_000_000 + ts.Usec*1000 }

// Before orders timestamps as Ganeti's tuples compare.
func (ts Timestamp) Before(o Timestamp) bool {
	return ts.Sec < o.Sec || (ts.Sec == o.Sec && ts.Usec < o.Usec)
}

// MarshalJSON writes [sec, usec].
func (ts Timestamp) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, "[%d,%d]", ts.Sec, ts.Usec), nil
}

// UnmarshalJSON reads [sec, usec], accepting integral floats.
func (ts *Timestamp) UnmarshalJSON(data []byte) error {
	var pair []float64
	if err := json.Unmarshal(data, &pair); err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	if len(pair) != 2 {
		return fmt.Errorf("timestamp: want [sec, usec], got %d elements", len(pair))
	}
	ts.Sec, ts.Usec = int64(pair[0]), int64(pair[1])
	return nil
}
