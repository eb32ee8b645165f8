package luxid

import (
	"encoding/json"
	"errors"
	"io/fs"
	"reflect"
	"time"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/query/resources"
)

// maxWaitTimeout caps WaitForJobChange's timeout, as the real luxid does
// ((LUXI_DEF_RWTO-1)/2 seconds), so that an answer always comes before the
// client's 180 s read timeout.
const maxWaitTimeout = 89 * time.Second

// waitArgs are WaitForJobChange's five arguments.
type waitArgs struct {
	id      jobID
	fields  []string
	prevJob json.RawMessage
	prevLog json.RawMessage
	timeout int64
}

// waitForJobChange answers WaitForJobChange [job, fields, prev_job,
// prev_log, timeout]: the job's field values and its log entries newer than
// prev_log, as soon as they differ from prev_job (or at once for a finished
// job), else when the timeout ends.
func (d *Dispatcher) waitForJobChange(c *call) (any, error) {
	var a waitArgs
	if err := decodeWaitArgs(c.args, &a); err != nil {
		return nil, err
	}
	statusOnly := len(a.fields) == 1 && a.fields[0] == "status"
	if !statusOnly {
		if err := c.needConfig(); err != nil {
			return nil, err
		}
	}
	sub, err := d.deps.Watcher.Subscribe(d.deps.Queue.Layout().QueueDir, jqueue.JobFileName(uint64(a.id)))
	if err != nil {
		return nil, err
	}
	defer sub.Close()
	d.waiters.Add(1)
	defer d.waiters.Add(-1)
	timeout := min(time.Duration(max(a.timeout, 0))*time.Second, maxWaitTimeout)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	prev := decodeLoose(a.prevJob)
	for {
		current, finalized, err := d.jobChange(uint64(a.id), a, statusOnly)
		if err != nil {
			return nil, err
		}
		if finalized || timeout <= 0 || !unchanged(current, prev) {
			return current, nil
		}
		select {
		case <-sub.C:
		case <-deadline.C:
			return d.finalChange(uint64(a.id), a, statusOnly)
		case <-c.ctx.Done():
			return current, nil
		}
	}
}

// finalChange is the answer when the wait timed out: the current state,
// whatever it is.
func (d *Dispatcher) finalChange(id uint64, a waitArgs, statusOnly bool) (any, error) {
	current, _, err := d.jobChange(id, a, statusOnly)
	return current, err
}

// decodeWaitArgs decodes exactly five arguments.
func decodeWaitArgs(args json.RawMessage, a *waitArgs) error {
	elems, err := argList(args)
	if err != nil {
		return err
	}
	if len(elems) != 5 {
		return parseFailure("Parsing WaitForJobChange message: Not enough values")
	}
	for i, target := range map[int]any{0: &a.id, 1: &a.fields, 4: &a.timeout} {
		if err := decodeArg(args, elems[i], target); err != nil {
			return err
		}
	}
	a.prevJob, a.prevLog = elems[2], elems[3]
	return nil
}

// jobChange computes [field values, new log entries] of the live job file
// and whether the job is finalized.
func (d *Dispatcher) jobChange(id uint64, a waitArgs, statusOnly bool) ([]any, bool, error) {
	job, err := d.deps.Queue.ReadJobToShow(id)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, gerrors.New(gerrors.JobLost, "Can't load job file")
	case errors.Is(err, jqueue.ErrCorrupt):
		return nil, false, gerrors.New(gerrors.JobLost, "Parsing job file: "+err.Error())
	case err != nil:
		return nil, false, gerrors.New(gerrors.JobLost, "Can't load job file: "+err.Error())
	}
	loaded := &jqueue.LoadedJob{ID: id, Job: job}
	values, ok := resources.JobFieldValues(d.deps.Opcodes, loaded, a.fields)
	var logs []json.RawMessage
	if ok {
		logs = newLogEntries(job, a.prevLog, statusOnly)
	} else {
		values = make([]any, len(a.fields))
	}
	if logs == nil {
		logs = []json.RawMessage{}
	}
	return []any{values, logs}, job.Status().Finalized(), nil
}

// newLogEntries returns the log entries of every opcode, in order, whose
// serial is above prevLog: all for null, none for a value that is not a
// number (all in the status-only path, as the real luxid does).
func newLogEntries(job *jqueue.Job, prevLog json.RawMessage, statusOnly bool) []json.RawMessage {
	var since float64
	switch v := decodeLoose(prevLog).(type) {
	case nil:
		since = -1 << 62
	case float64:
		since = v
	default:
		if !statusOnly {
			return nil
		}
		since = -1 << 62
	}
	var out []json.RawMessage
	for _, op := range job.Ops {
		for _, entry := range op.Log {
			var head []json.RawMessage
			if json.Unmarshal(entry, &head) != nil || len(head) == 0 {
				continue
			}
			var serial float64
			if json.Unmarshal(head[0], &serial) == nil && serial > since {
				out = append(out, entry)
			}
		}
	}
	return out
}

// unchanged reports whether current equals [prev, []] as JSON values.
func unchanged(current []any, prev any) bool {
	values, _ := current[0].([]any)
	logs, _ := current[1].([]json.RawMessage)
	if len(logs) > 0 {
		return false
	}
	return reflect.DeepEqual(decodeLoose(mustJSON(values)), prev)
}

// decodeLoose decodes JSON into plain values (numbers as float64), nil on
// error or absence.
func decodeLoose(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return v
}

func mustJSON(v any) json.RawMessage {
	data, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return data
}
