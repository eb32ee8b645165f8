package luxid

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"time"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/luxi"
)

// Jobs is what runs submitted jobs (the scheduler). Enqueue takes a job
// whose opcodes were validated and whose file was written durably, with
// the secret parameters of its opcodes (a JSON list with one element per
// opcode) for the job process.
type Jobs interface {
	Enqueue(job *jqueue.Job, secrets json.RawMessage)
	// Cancel and ChangePriority answer CancelJob and ChangeJobPriority
	// with Ganeti's [success, message] pair.
	Cancel(ctx context.Context, id uint64, kill bool) (bool, string)
	ChangePriority(id uint64, prio int) (bool, string)
}

// newJob is a validated submission before it gets its id.
type newJob struct {
	ops []*opcodes.OpCode
}

// submitJob answers SubmitJob [[op, …]].
func (d *Dispatcher) submitJob(c *call) (any, error) {
	return d.submitOne(c, luxi.MethodSubmitJob, true)
}

// submitJobToDrainedQueue answers SubmitJobToDrainedQueue [[op, …]]: the
// same without the drain check.
func (d *Dispatcher) submitJobToDrainedQueue(c *call) (any, error) {
	return d.submitOne(c, luxi.MethodSubmitJobToDrainedQueue, false)
}

// submitOne submits one job and answers its id.
func (d *Dispatcher) submitOne(c *call, method string, checkDrain bool) (any, error) {
	var ops []json.RawMessage
	if err := decodeArgs(c.args, &ops); err != nil {
		return nil, err
	}
	job, err := d.validateJob(method, ops)
	if err != nil {
		return nil, err
	}
	if err := d.checkSubmittable(c, checkDrain, 1); err != nil {
		return nil, err
	}
	outcomes, err := d.addJobs([]*newJob{job})
	if err != nil {
		return nil, err
	}
	if outcomes[0].err != nil {
		return nil, outcomes[0].err
	}
	return outcomes[0].id, nil
}

// submitManyJobs answers SubmitManyJobs [[[op, …], …]]: one [true, id] or
// [false, error] per job.
func (d *Dispatcher) submitManyJobs(c *call) (any, error) {
	var raw [][]json.RawMessage
	if err := decodeArgs(c.args, &raw); err != nil {
		return nil, err
	}
	jobs := make([]*newJob, len(raw))
	for i, ops := range raw {
		job, err := d.validateJob(luxi.MethodSubmitManyJobs, ops)
		if err != nil {
			return nil, err
		}
		jobs[i] = job
	}
	if err := d.checkSubmittable(c, true, len(jobs)); err != nil {
		return nil, err
	}
	outcomes, err := d.addJobs(jobs)
	if err != nil {
		return nil, err
	}
	results := make([][2]any, len(outcomes))
	for i, o := range outcomes {
		if o.err != nil {
			results[i] = [2]any{false, errorText(o.err)}
			continue
		}
		results[i] = [2]any{true, o.id}
	}
	return results, nil
}

// submitted is what became of one job of a submission: its id, or the
// Ganeti error that kept it out of the queue.
type submitted struct {
	id  uint64
	err error
}

// addJobs gives the jobs their ids, writes them durably as one batch and
// enqueues those written, in order. It fails only when no id could be
// allocated.
func (d *Dispatcher) addJobs(jobs []*newJob) ([]submitted, error) {
	ids, err := d.deps.Queue.AllocateIDs(len(jobs))
	if err != nil {
		return nil, gerrors.Generic("%v", err)
	}
	received := jqueue.TimestampOf(time.Now())
	outcomes := make([]submitted, len(jobs))
	built := make([]*jqueue.Job, 0, len(jobs))
	secrets := make([]json.RawMessage, 0, len(jobs))
	index := make([]int, 0, len(jobs)) // the job of each built one
	for i, nj := range jobs {
		outcomes[i].id = ids[i]
		job, sec, err := buildJob(ids[i], nj, received)
		if err != nil {
			outcomes[i].err = err
			continue
		}
		built, secrets, index = append(built, job), append(secrets, sec), append(index, i)
	}
	for k, err := range d.deps.Queue.AddJobs(built) {
		if err != nil {
			outcomes[index[k]].err = writeFailure(err)
			continue
		}
		d.enqueue(built[k], secrets[k])
	}
	return outcomes, nil
}

// buildJob is job id from its opcodes, received at received, with the
// secret parameters of its opcodes.
func buildJob(id uint64, nj *newJob, received jqueue.Timestamp) (*jqueue.Job, json.RawMessage, error) {
	job := &jqueue.Job{ID: id, Ops: make([]*jqueue.OpCode, len(nj.ops)), Received: &received}
	secrets := make([]json.RawMessage, len(nj.ops))
	for i, op := range nj.ops {
		input, err := op.Canonical(id, i, received.Nanos())
		if err != nil {
			return nil, nil, gerrors.Generic("%s", err.Error())
		}
		job.Ops[i] = &jqueue.OpCode{Input: input, Status: jqueue.StatusQueued, Result: json.RawMessage("null"),
			Log: []json.RawMessage{}, Priority: op.Priority()}
		secrets[i] = op.Secrets()
	}
	encoded, err := json.Marshal(secrets)
	if err != nil {
		return nil, nil, gerrors.Generic("encoding secret parameters: %v", err)
	}
	return job, encoded, nil
}

// writeFailure is the Ganeti error of a job whose file was not written,
// worded as the Haskell luxid words it: "Failed to write PATH: CAUSE".
func writeFailure(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return gerrors.Generic("Failed to write %s: %v", pe.Path, pe.Err)
	}
	return gerrors.Generic("%v", err)
}

// errorText is an error as SubmitManyJobs reports it per job.
func errorText(err error) string {
	var ge *gerrors.Error
	if errors.As(err, &ge) && len(ge.Args) > 0 {
		if s, ok := ge.Args[0].(string); ok {
			return s
		}
	}
	return err.Error()
}

// checkSubmittable fails the submission of n jobs without a
// configuration, while the queue is drained (if asked), or when the live
// queue would hold more than MaxLiveJobs jobs (Ganeti's JobQueueFull, which
// the real luxid never enforces).
func (d *Dispatcher) checkSubmittable(c *call, checkDrain bool, n int) error {
	if err := c.needConfig(); err != nil {
		return err
	}
	if checkDrain && d.deps.Queue.Drained() {
		return gerrors.Generic("Queue drained")
	}
	if limit := d.deps.MaxLiveJobs; limit > 0 && d.deps.Queue.LiveCount()+int64(n) > int64(limit) {
		return gerrors.New(gerrors.JobQueueFull)
	}
	return nil
}

// validateJob validates every opcode by the installed release's schema;
// any failure rejects the whole request as undecodable, as the real luxid
// does.
func (d *Dispatcher) validateJob(method string, raw []json.RawMessage) (*newJob, error) {
	job := &newJob{ops: make([]*opcodes.OpCode, len(raw))}
	for i, op := range raw {
		valid, err := d.deps.Opcodes.Validate(op)
		if err != nil {
			return nil, parseFailure(method + ": " + err.Error())
		}
		job.ops[i] = valid
	}
	return job, nil
}

// enqueue hands a written job to the scheduler, if one runs.
func (d *Dispatcher) enqueue(job *jqueue.Job, secrets json.RawMessage) {
	if d.deps.Jobs != nil {
		d.deps.Jobs.Enqueue(job, secrets)
	}
}
