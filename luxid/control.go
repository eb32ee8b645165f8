package luxid

import "fmt"

// cancelJob answers CancelJob [job] or [job, kill].
func (d *Dispatcher) cancelJob(c *call) (any, error) {
	elems, err := argList(c.args)
	if err != nil {
		return nil, err
	}
	var id jobID
	kill := false
	switch len(elems) {
	case 2:
		if err := decodeArg(c.args, elems[1], &kill); err != nil {
			return nil, err
		}
		fallthrough
	case 1:
		if err := decodeArg(c.args, elems[0], &id); err != nil {
			return nil, err
		}
	default:
		return nil, convertError(c.args, "expected 1 or 2 arguments")
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	if d.deps.Jobs == nil {
		return notInQueue(uint64(id)), nil
	}
	ok, msg := d.deps.Jobs.Cancel(c.ctx, uint64(id), kill)
	return []any{ok, msg}, nil
}

// changeJobPriority answers ChangeJobPriority [job, priority].
func (d *Dispatcher) changeJobPriority(c *call) (any, error) {
	var id jobID
	var prio int
	if err := decodeArgs(c.args, &id, &prio); err != nil {
		return nil, err
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	if prio < opPrioHighest || prio > opPrioLowest {
		return []any{false, fmt.Sprintf("Invalid priority %d, allowed are %d to %d", prio, opPrioHighest, opPrioLowest)}, nil
	}
	if d.deps.Jobs == nil {
		return notInQueue(uint64(id)), nil
	}
	ok, msg := d.deps.Jobs.ChangePriority(uint64(id), prio)
	return []any{ok, msg}, nil
}

// Ganeti's range of opcode priorities (OP_PRIO_HIGHEST, OP_PRIO_LOWEST).
// The Haskell luxid sets any priority; a job process then refuses to run
// an opcode outside the range (an AssertionError) and the job dies.
const (
	opPrioHighest = -20
	opPrioLowest  = 19
)

// notInQueue is the answer for a job no scheduler holds.
func notInQueue(id uint64) []any {
	return []any{false, fmt.Sprintf("Job %d not found in queue", id)}
}
