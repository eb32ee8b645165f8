package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/goluxid/goluxid/ganeti/paths"
)

// finishedJob is the job file a Python job process leaves after an
// OP_TEST_DELAY succeeded, in the form of jqueue's
// testdata/golden/spec-8_5.json: ", "-separated, one trailing newline. The
// verbs fill in, in order: id; the id and the reason timestamp in ns; op
// start, exec and end; job start and end; received; the livelock
// directory, id and second; the process id.
const finishedJob = `{"id": %[1]d, "ops": [{"input": {"duration": 0.1, "on_master": false, "on_nodes": [], ` +
	`"on_node_uuids": null, "repeat": 0, "interruptible": false, "no_locks": true, "dry_run": null, ` +
	`"debug_level": 0, "priority": 0, "depends": null, "comment": null, "reason": [["gnt:opcode:test_delay", ` +
	`"job=%[1]d;index=0", %[2]d]], "OP_ID": "OP_TEST_DELAY"}, "status": "success", "result": null, ` +
	`"log": [], "start_timestamp": %[3]s, "exec_timestamp": %[4]s, "end_timestamp": %[5]s, "priority": 0}], ` +
	`"start_timestamp": %[3]s, "end_timestamp": %[6]s, "received_timestamp": %[7]s, ` +
	`"livelock": "%[8]s/job_%06[1]d_%[9]d", "process_id": %[10]d}` + "\n"

// queuedJob is the job file luxid writes when it accepts an OP_TEST_DELAY
// job, in the form of jqueue's testdata/golden
// job-3.queued-as-written-by-luxid.json: compact, keys in luxid's order,
// no trailing newline. The verbs fill in, in order: id; the reason
// timestamp in ns; received.
const queuedJob = `{"id":%[1]d,"ops":[{"input":{"priority":0,"depends":null,"comment":null,` +
	`"reason":[["gnt:opcode:test_delay","job=%[1]d;index=0",%[2]d]],"OP_ID":"OP_TEST_DELAY",` +
	`"duration":0.1,"on_master":false,"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":true},` +
	`"status":"queued","result":null,"log":[],"priority":0,"start_timestamp":null,"exec_timestamp":null,` +
	`"end_timestamp":null}],"received_timestamp":%[3]s,"start_timestamp":null,"end_timestamp":null}`

// jobFileEpoch is when the first generated job was received; each later
// job arrives a millisecond after the one before.
var jobFileEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteFinishedJobs fills the live queue with finished jobs 1..n and sets
// the serial file to n, as if n jobs had run. It is for queues no daemon
// runs on yet.
func WriteFinishedJobs(l *paths.Layout, n int) error {
	return writeJobs(l, n, finishedJobFile)
}

// WriteQueuedJobs fills the live queue with queued jobs 1..n, as luxid
// writes them when it accepts them, and sets the serial file to n. It is
// for queues no daemon runs on yet: written this way, the queue may hold
// more jobs than luxid accepts while it runs.
func WriteQueuedJobs(l *paths.Layout, n int) error {
	return writeJobs(l, n, func(_ *paths.Layout, id int) []byte { return queuedJobFile(id) })
}

// writeJobs writes jobs 1..n with the contents file gives and sets the
// serial file to n.
func writeJobs(l *paths.Layout, n int, file func(*paths.Layout, int) []byte) error {
	for id := 1; id <= n; id++ {
		name := filepath.Join(l.QueueDir, "job-"+strconv.Itoa(id))
		if err := os.WriteFile(name, file(l, id), 0o640); err != nil {
			return fmt.Errorf("bench: write job files: %w", err)
		}
	}
	if err := os.WriteFile(l.SerialFile, []byte(strconv.Itoa(n)+"\n"), 0o600); err != nil {
		return fmt.Errorf("bench: write job files: %w", err)
	}
	return nil
}

// receivedAt is when job id was received.
func receivedAt(id int) time.Time { return jobFileEpoch.Add(time.Duration(id) * time.Millisecond) }

// queuedJobFile is the content of queued job id's file.
func queuedJobFile(id int) []byte {
	received := receivedAt(id)
	return fmt.Appendf(nil, queuedJob, id, received.UnixNano(), compactTimestamp(received))
}

// finishedJobFile is the content of job id's file.
func finishedJobFile(l *paths.Layout, id int) []byte {
	received := receivedAt(id)
	start := received.Add(200 * time.Millisecond)
	exec := start.Add(100 * time.Millisecond)
	end := exec.Add(100 * time.Millisecond)
	jobEnd := end.Add(10 * time.Microsecond)
	const pid = 4242
	return fmt.Appendf(nil, finishedJob, id, received.UnixNano(),
		timestamp(start), timestamp(exec), timestamp(end), timestamp(jobEnd), timestamp(received),
		l.LivelockDir, start.Unix(), pid)
}

// timestamp formats t as Ganeti's [seconds, microseconds] pair, the way
// Python writes it.
func timestamp(t time.Time) string {
	return fmt.Sprintf("[%d, %d]", t.Unix(), t.Nanosecond()/1000)
}

// compactTimestamp formats t as Ganeti's [seconds, microseconds] pair, the
// way luxid writes it.
func compactTimestamp(t time.Time) string {
	return fmt.Sprintf("[%d,%d]", t.Unix(), t.Nanosecond()/1000)
}
