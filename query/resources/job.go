package resources

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/query"
)

// The job resource: the jobs of the queue, live and archived, with
// Ganeti's 16 job fields. Only the id comes without reading the job file;
// every other field is live data read from the file.

func init() {
	register("job", func(env Env) (Queryable, error) {
		return jobResource{queue: env.Jobs, ops: env.Opcodes, tables: jobTablesOf(env.Opcodes)}, nil
	})
}

// Errors of a job query the environment cannot serve.
var (
	errJobNoQueue  = errors.New("resources: job query without a job queue")
	errJobNoSchema = errors.New("resources: job query without an opcode schema")
)

// jobResource answers job queries over one queue.
type jobResource struct {
	queue  *jqueue.Queue
	ops    *opcodes.Schema
	tables *jobTables
}

// Query runs a Query over the jobs.
func (r jobResource) Query(ctx context.Context, fields []string, flt *query.Filter) (*query.Result, error) {
	switch {
	case r.queue == nil:
		return nil, errJobNoQueue
	case r.ops == nil:
		return nil, errJobNoSchema
	}
	return jobsOf(r.queue, r.tables).Query(ctx, fields, flt)
}

// QueryFields answers QueryFields over the job fields.
func (r jobResource) QueryFields(names []string) query.FieldsResult {
	return r.tables.table.QueryFields(names)
}

// jobClassicFields is the field QueryJobs matches the requested ids
// against; one shared slice, so that a request allocates none.
var jobClassicFields = []string{"id"}

// ClassicFields returns jobClassicFields; callers must not change it.
func (jobResource) ClassicFields() []string { return jobClassicFields }

// jobsOf is the query resource over queue's jobs with the fields of
// tables.
func jobsOf(queue *jqueue.Queue, tables *jobTables) *query.Resource[jqueue.JobRef, *jqueue.LoadedJob] {
	return &query.Resource[jqueue.JobRef, *jqueue.LoadedJob]{
		Table:     tables.table,
		NameField: "id",
		Select: func(_ context.Context, names []query.Value, fields []string) ([]jqueue.JobRef, error) {
			return selectJobs(queue, names, fields)
		},
		Live: func(ctx context.Context, refs []jqueue.JobRef, fields []string, emit func(jqueue.JobRef, *jqueue.LoadedJob) error) error {
			return queue.LoadJobs(ctx, refs, tables.prepare(fields), emit)
		},
	}
}

// selectJobs returns the requested ids (deduplicated, in request order), or
// every live job, plus every archived one when the field "archived" is
// requested, in id order (a job both live and archived is listed twice, as
// the real luxid lists it).
func selectJobs(queue *jqueue.Queue, names []query.Value, fields []string) ([]jqueue.JobRef, error) {
	if names != nil {
		ids, err := jobIDs(names)
		if err != nil {
			return nil, err
		}
		return jobRefs(ids, jqueue.Requested), nil
	}
	ids, err := queue.LiveJobIDs()
	if err != nil {
		return nil, err
	}
	out := jobRefs(ids, jqueue.Live)
	if slices.Contains(fields, "archived") {
		archived, err := queue.ArchivedJobIDs()
		if err != nil {
			return nil, err
		}
		out = append(out, jobRefs(archived, jqueue.Archived)...)
		slices.SortStableFunc(out, func(a, b jqueue.JobRef) int { return cmp.Compare(a.ID, b.ID) })
	}
	return out, nil
}

// jobRefs names the jobs ids as found at where.
func jobRefs(ids []uint64, where jqueue.Location) []jqueue.JobRef {
	out := make([]jqueue.JobRef, len(ids))
	for i, id := range ids {
		out[i] = jqueue.JobRef{ID: id, Where: where}
	}
	return out
}

// jobIDs turns the names of a simple filter on the job id into job ids,
// first occurrences only. Strings are parsed as integers; a string that is
// not one, or a negative id, fails the query with a GenericError.
func jobIDs(names []query.Value) ([]uint64, error) {
	var ids []uint64
	for _, n := range names {
		id, err := jobID(n)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// jobID converts one filter value into a job id.
func jobID(n query.Value) (uint64, error) {
	if s, ok := n.Text(); ok {
		return parseJobID(s)
	}
	i := n.BigInt()
	if i.Sign() < 0 || !i.IsInt64() {
		return 0, gerrors.Generic("Invalid value for job ID ' %s'", i)
	}
	return uint64(i.Int64()), nil
}

// parseJobID reads a job id from a string as Haskell's reads reads an
// Int: leading blanks skipped, nothing may follow the digits.
func parseJobID(s string) (uint64, error) {
	text := strings.TrimLeft(s, " \t\n\r\f\v")
	end := 0
	if strings.HasPrefix(text, "-") {
		end = 1
	}
	for end < len(text) && '0' <= text[end] && text[end] <= '9' {
		end++
	}
	i, err := strconv.ParseInt(text[:end], 10, 64)
	switch {
	case err != nil:
		return 0, gerrors.Generic("parsing job id: cannot parse string '%s'", s)
	case end < len(text):
		return 0, gerrors.Generic("parsing job id: leftover characters when parsing '%s': '%s'", s, text[end:])
	case i < 0:
		return 0, gerrors.Generic("Invalid value for job ID ' %d'", i)
	}
	return uint64(i), nil
}
