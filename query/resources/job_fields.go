package resources

import (
	"encoding/json"
	"slices"
	"sync"

	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/query"
)

// jobValue computes a job field's value, or false when the job has none
// (RS_UNAVAIL).
type jobValue func(j *jqueue.LoadedJob) (any, bool)

// jobField is a job field and how a job's value of it is computed.
type jobField struct {
	query.FieldDefinition
	value jobValue
}

// jobTables are the job fields with the values the luxid of one release
// shows: opcodes are summarised and re-serialised by its schema.
type jobTables struct {
	table  *query.Table[jqueue.JobRef, *jqueue.LoadedJob]
	values map[string]jobValue
	// memoized names the fields whose values the jobs' Memo keeps.
	memoized []string
}

// memoizedFields are the fields whose values parse every opcode of the
// job again.
var memoizedFields = []string{"summary", "ops"}

// newJobTables indexes fields, of which those named memoized keep their
// values in the jobs' Memo.
func newJobTables(fields []jobField, memoized ...string) *jobTables {
	return &jobTables{table: jobTableOf(fields), values: jobValuesByName(fields), memoized: memoized}
}

// prepare is what the goroutines that read the job files do with each job
// for a query of fields: compute the memoized values among them, which
// building the rows, one job after another, then finds; nil when no field
// is memoized.
func (t *jobTables) prepare(fields []string) func(*jqueue.LoadedJob) {
	var values []jobValue
	for _, name := range t.memoized {
		if slices.Contains(fields, name) {
			values = append(values, t.values[name])
		}
	}
	if len(values) == 0 {
		return nil
	}
	return func(j *jqueue.LoadedJob) {
		for _, value := range values {
			value(j)
		}
	}
}

// jobTablesBySchema caches the tables of each opcode schema, built on
// first use (*opcodes.Schema → *jobTables).
var jobTablesBySchema sync.Map

// jobTablesOf returns the job tables of the release whose schema is ops.
func jobTablesOf(ops *opcodes.Schema) *jobTables {
	if t, ok := jobTablesBySchema.Load(ops); ok {
		return t.(*jobTables)
	}
	fields := jobFields(
		func(input json.RawMessage) string { return ops.ParseInput(input).Summary() },
		func(input json.RawMessage) json.RawMessage { return canonicalInput(ops, input) })
	memoize(fields, ops, memoizedFields...)
	t, _ := jobTablesBySchema.LoadOrStore(ops, newJobTables(fields, memoizedFields...))
	return t.(*jobTables)
}

// jobFields returns the 16 fields of Ganeti's job queries, exactly
// as its QueryFields answers them. summarize gives an opcode input's entry
// in "summary", canonical its entry in "ops".
func jobFields(summarize func(json.RawMessage) string, canonical func(json.RawMessage) json.RawMessage) []jobField {
	return []jobField{
		newJobField("id", "ID", query.KindNumber, "Job ID",
			func(j *jqueue.LoadedJob) (any, bool) { return j.ID, true }),
		newJobField("status", "Status", query.KindText, "Job status",
			withJob(func(j *jqueue.Job) any { return statusValue(j.Status()) })),
		newJobField("priority", "Priority", query.KindNumber, "Current job priority (19 to -20)",
			withJob(func(j *jqueue.Job) any { return j.Priority() })),
		newJobField("archived", "Archived", query.KindBool, "Whether job is archived", archivedValue),
		newJobField("ops", "OpCodes", query.KindOther, "List of all opcodes",
			perOp(func(op *jqueue.OpCode) any { return canonical(op.Input) })),
		newJobField("opresult", "OpCode_result", query.KindOther, "List of opcodes results",
			perOp(func(op *jqueue.OpCode) any { return rawOrNull(op.Result) })),
		newJobField("opstatus", "OpCode_status", query.KindOther, "List of opcodes status",
			perOp(func(op *jqueue.OpCode) any { return statusValue(op.Status) })),
		newJobField("oplog", "OpCode_log", query.KindOther, "List of opcode output logs",
			perOp(func(op *jqueue.OpCode) any { return op.Log })),
		newJobField("opstart", "OpCode_start", query.KindOther, "List of opcode start timestamps (before acquiring locks)",
			perOp(func(op *jqueue.OpCode) any { return op.Start })),
		newJobField("opexec", "OpCode_exec", query.KindOther, "List of opcode execution start timestamps (after acquiring locks)",
			perOp(func(op *jqueue.OpCode) any { return op.Exec })),
		newJobField("opend", "OpCode_end", query.KindOther, "List of opcode execution end timestamps",
			perOp(func(op *jqueue.OpCode) any { return op.End })),
		newJobField("oppriority", "OpCode_prio", query.KindOther, "List of opcode priorities",
			perOp(func(op *jqueue.OpCode) any { return op.Priority })),
		newJobField("summary", "Summary", query.KindOther, "List of per-opcode summaries",
			perOp(func(op *jqueue.OpCode) any { return summarize(op.Input) })),
		newJobField("received_ts", "Received", query.KindOther, "Timestamp of when job was received (tuple containing seconds and microseconds)",
			timestampValue(func(j *jqueue.Job) *jqueue.Timestamp { return j.Received })),
		newJobField("start_ts", "Start", query.KindOther, "Timestamp of job start (tuple containing seconds and microseconds)",
			timestampValue(func(j *jqueue.Job) *jqueue.Timestamp { return j.Start })),
		newJobField("end_ts", "End", query.KindOther, "Timestamp of job end (tuple containing seconds and microseconds)",
			timestampValue(func(j *jqueue.Job) *jqueue.Timestamp { return j.End })),
	}
}

func newJobField(name, title string, kind query.Kind, doc string, value jobValue) jobField {
	return jobField{FieldDefinition: query.FieldDefinition{Name: name, Title: title, Kind: kind, Doc: doc}, value: value}
}

// jobFieldMode returns the filter mode of the job field name: filters look
// at the seconds of the three timestamps.
func jobFieldMode(name string) query.FilterMode {
	switch name {
	case "received_ts", "start_ts", "end_ts":
		return query.ModeTimestamp
	}
	return query.ModeNormal
}

// jobTableOf builds the table of fields. Only "id" comes from the job id
// alone; every other field is a runtime field read from the job file, as
// in the real luxid.
func jobTableOf(fields []jobField) *query.Table[jqueue.JobRef, *jqueue.LoadedJob] {
	table := make([]query.Field[jqueue.JobRef, *jqueue.LoadedJob], len(fields))
	for i, jf := range fields {
		f := query.Field[jqueue.JobRef, *jqueue.LoadedJob]{FieldDefinition: jf.FieldDefinition, Mode: jobFieldMode(jf.Name)}
		if jf.Name == "id" {
			f.Get = func(ref jqueue.JobRef) query.Cell { return query.Normal(ref.ID) }
		} else {
			f.GetLive = jobCell(jf.value)
		}
		table[i] = f
	}
	return query.NewTable(table...)
}

// jobCell makes the getter of a runtime field computed by value.
func jobCell(value jobValue) func(jqueue.JobRef, *jqueue.LoadedJob) query.Cell {
	return func(_ jqueue.JobRef, j *jqueue.LoadedJob) query.Cell {
		if j == nil {
			return query.Status(query.RSUnavail)
		}
		if v, ok := value(j); ok {
			return query.Normal(v)
		}
		return query.Status(query.RSUnavail)
	}
}

// jobValuesByName indexes the fields' values by field name.
func jobValuesByName(fields []jobField) map[string]jobValue {
	out := make(map[string]jobValue, len(fields))
	for _, f := range fields {
		out[f.Name] = f.value
	}
	return out
}

// JobFieldValues returns the values of the named job fields for j, as the
// luxid of the release whose opcode schema is ops shows them, nil where a
// value is unavailable, as WaitForJobChange reports them; false when a
// name is not a job field.
func JobFieldValues(ops *opcodes.Schema, j *jqueue.LoadedJob, fields []string) ([]any, bool) {
	values := jobTablesOf(ops).values
	out := make([]any, len(fields))
	for i, name := range fields {
		value, ok := values[name]
		if !ok {
			return nil, false
		}
		if v, ok := value(j); ok {
			out[i] = v
		}
	}
	return out, true
}

// archivedValue is the value of "archived".
func archivedValue(j *jqueue.LoadedJob) (any, bool) {
	if j.Job == nil {
		return nil, false
	}
	return j.Archived, true
}

// memoKey names a value kept in a job's Memo: a field's value as the
// release whose opcode schema is schema shows it.
type memoKey struct {
	schema *opcodes.Schema
	field  string
}

// memoize makes the named fields' values computed once per parsed job
// file: those that parse every opcode again, and depend on the file and
// the release only.
func memoize(fields []jobField, ops *opcodes.Schema, names ...string) {
	for i := range fields {
		if slices.Contains(names, fields[i].Name) {
			fields[i].value = memoized(memoKey{ops, fields[i].Name}, fields[i].value)
		}
	}
}

// memoized keeps value's results in the jobs' Memo under key.
func memoized(key memoKey, value jobValue) jobValue {
	type result struct {
		v  any
		ok bool
	}
	var boxedKey any = key
	return func(j *jqueue.LoadedJob) (any, bool) {
		kept, ok := j.Memo.Load(boxedKey)
		if !ok {
			v, ok := value(j)
			kept = j.Memo.Store(boxedKey, result{v, ok})
		}
		r := kept.(result)
		return r.v, r.ok
	}
}

// statusValues are the statuses' names as field values, made once:
// a query shows thousands.
var statusValues = func() []any {
	var out []any
	for s := jqueue.StatusQueued; s <= jqueue.StatusError; s++ {
		out = append(out, s.String())
	}
	return out
}()

// statusValue is the value of a job or opcode status.
func statusValue(s jqueue.Status) any {
	if s >= 0 && int(s) < len(statusValues) {
		return statusValues[s]
	}
	return s.String()
}

// withJob makes the value of a field computed from a job's file.
func withJob(f func(*jqueue.Job) any) jobValue {
	return func(j *jqueue.LoadedJob) (any, bool) {
		if j.Job == nil {
			return nil, false
		}
		return f(j.Job), true
	}
}

// perOp makes the value of a list with one entry per opcode.
func perOp(f func(*jqueue.OpCode) any) jobValue {
	return withJob(func(job *jqueue.Job) any {
		out := make([]any, len(job.Ops))
		for i, op := range job.Ops {
			out[i] = f(op)
		}
		return out
	})
}

// timestampValue makes the value of a job timestamp, unavailable when
// unset.
func timestampValue(f func(*jqueue.Job) *jqueue.Timestamp) jobValue {
	return func(j *jqueue.LoadedJob) (any, bool) {
		if j.Job == nil {
			return nil, false
		}
		ts := f(j.Job)
		if ts == nil {
			return nil, false
		}
		return ts, true
	}
}

// rawOrNull is an opcode result as "opresult" shows it: null when unset.
func rawOrNull(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	return raw
}

// canonicalInput is an opcode as the job field "ops" shows it: valid
// opcodes re-serialised as luxid writes them, anything else as it is.
func canonicalInput(ops *opcodes.Schema, input json.RawMessage) json.RawMessage {
	out, err := ops.ParseInput(input).MarshalJSON()
	if err != nil {
		return input
	}
	return out
}
