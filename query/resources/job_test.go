package resources

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/query"
)

// jobQueue fills a queue with n finished jobs, ids 1 to n, each
// testdata/job-spec-8_5.json (a job as its job process wrote it at the
// end) with its own id.
func jobQueue(tb testing.TB, n int) *jqueue.Queue {
	tb.Helper()
	l := paths.New(tb.TempDir())
	require.NoError(tb, os.MkdirAll(l.ArchiveDir, 0o750))
	tpl, err := os.ReadFile("testdata/job-spec-8_5.json")
	require.NoError(tb, err)
	for i := 1; i <= n; i++ {
		data := strings.Replace(string(tpl), `"id": 26`, `"id": `+strconv.Itoa(i), 1)
		require.NoError(tb, os.WriteFile(l.JobFile(uint64(i)), []byte(data), 0o600))
	}
	q, err := jqueue.Open(l, nil)
	require.NoError(tb, err)
	return q
}

// TestQueryFieldsJob checks QueryFields over the job field definitions
// against the real luxid's answer, byte for byte (the file is the
// "fields" list pretty-printed with one-space indentation).
func TestQueryFieldsJob(t *testing.T) {
	want, err := os.ReadFile("testdata/job-fields.json")
	require.NoError(t, err)
	res, err := New("job", Env{})
	require.NoError(t, err)
	got, err := json.MarshalIndent(res.QueryFields(nil).Fields, "", " ")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	compact, err := hsjson.Marshal(res.QueryFields([]string{}))
	require.NoError(t, err)
	assert.Contains(t, string(compact), `{"fields":[{"name":"archived","title":"Archived","kind":"bool","doc":"Whether job is archived"},{"name":"end_ts"`)
}

func TestJobFieldDefinitions(t *testing.T) {
	fields := jobFields(nil, nil)
	require.Len(t, fields, 16)
	fields[0].Name = "changed"
	assert.Equal(t, "id", jobFields(nil, nil)[0].Name, "jobFields returns new fields")
	assert.Equal(t, query.ModeTimestamp, jobFieldMode("start_ts"))
	assert.Equal(t, query.ModeNormal, jobFieldMode("id"))
}

func TestJobIDs(t *testing.T) {
	tests := []struct {
		names []query.Value
		ids   []uint64
		err   string
	}{
		{nil, nil, ""},
		{[]query.Value{query.IntValue(3), query.IntValue(1), query.IntValue(3), query.IntValue(99)}, []uint64{3, 1, 99}, ""},
		{[]query.Value{query.StringValue("3"), query.StringValue("  7"), query.IntValue(3)}, []uint64{3, 7}, ""},
		{[]query.Value{query.IntValue(-1)}, nil, `["GenericError",["Invalid value for job ID ' -1'"]]`},
		{[]query.Value{query.StringValue("-2")}, nil, `["GenericError",["Invalid value for job ID ' -2'"]]`},
		{[]query.Value{query.StringValue("x")}, nil, `["GenericError",["parsing job id: cannot parse string 'x'"]]`},
		{[]query.Value{query.StringValue("3 ")}, nil, `["GenericError",["parsing job id: leftover characters when parsing '3 ': ' '"]]`},
		{[]query.Value{query.StringValue("4x")}, nil, `["GenericError",["parsing job id: leftover characters when parsing '4x': 'x'"]]`},
	}
	for _, tt := range tests {
		ids, err := jobIDs(tt.names)
		if tt.err != "" {
			encoded, merr := hsjson.Marshal(gerrors.Encode(err))
			require.NoError(t, merr)
			assert.Equal(t, tt.err, string(encoded))
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.ids, ids)
	}
}

// TestJobQuery runs job queries over a queue: plain fields, a filter on a
// runtime field, and the values WaitForJobChange reports.
func TestJobQuery(t *testing.T) {
	q := jobQueue(t, 3)
	res, err := New("job", Env{Jobs: q, Opcodes: schema30})
	require.NoError(t, err)
	assert.Equal(t, []string{"id"}, res.ClassicFields())

	flt, err := query.ParseFilter(json.RawMessage(`["|",["==","id",3],["==","id",1],["==","id",9]]`))
	require.NoError(t, err)
	r, err := res.Query(context.Background(), []string{"id", "status", "archived"}, flt)
	require.NoError(t, err)
	rows, err := query.Compat(r)
	require.NoError(t, err)
	assert.Equal(t, [][]any{{uint64(3), "success", false}, {uint64(1), "success", false}, {uint64(9), nil, nil}}, rows)

	loaded := &jqueue.LoadedJob{ID: 9}
	values, ok := JobFieldValues(schema30, loaded, []string{"id", "status"})
	require.True(t, ok)
	assert.Equal(t, []any{uint64(9), nil}, values)
	_, ok = JobFieldValues(schema30, loaded, []string{"id", "bogus"})
	assert.False(t, ok)
}

func TestJobQueryWithoutQueue(t *testing.T) {
	res, err := New("job", Env{})
	require.NoError(t, err)
	_, err = res.Query(context.Background(), []string{"id"}, nil)
	assert.ErrorIs(t, err, errJobNoQueue)
}

// schema30 is Ganeti 3.0's opcode schema.
var schema30 = func() *opcodes.Schema {
	s, err := opcodes.ForRelease("3.0")
	if err != nil {
		panic(err)
	}
	return s
}()

// jobFileVariants are job files of every kind a query meets: as the job
// process and as luxid write them, valid and invalid opcodes, several
// opcodes, a key only encoding/json reads, a corrupt file. Each takes the
// job's id, the status of its last opcode and a number that its opcodes
// show.
func jobFileVariants(t *testing.T) []func(id uint64, status string, n int) string {
	t.Helper()
	tpl, err := os.ReadFile("testdata/job-spec-8_5.json")
	require.NoError(t, err)
	op := func(input, status string) string {
		return `{"input":` + input + `,"status":"` + status + `","result":null,"log":[],"priority":0,` +
			`"start_timestamp":null,"exec_timestamp":null,"end_timestamp":null}`
	}
	luxid := func(id uint64, ops ...string) string {
		return `{"id":` + strconv.FormatUint(id, 10) + `,"ops":[` + strings.Join(ops, ",") +
			`],"received_timestamp":[1700000000,1],"start_timestamp":null,"end_timestamp":null}`
	}
	delay := func(n int) string {
		return `{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_TEST_DELAY","duration":` + strconv.Itoa(n) + `}`
	}
	return []func(uint64, string, int) string{
		func(id uint64, status string, n int) string {
			data := strings.Replace(string(tpl), `"id": 26`, `"id": `+strconv.FormatUint(id, 10), 1)
			data = strings.Replace(data, `"duration": 2.0`, `"duration": `+strconv.Itoa(n), 1)
			return strings.Replace(data, `"status": "success"`, `"status": "`+status+`"`, 1)
		},
		func(id uint64, status string, n int) string { return luxid(id, op(delay(n), status)) },
		func(id uint64, status string, n int) string {
			return luxid(id, op(`{"OP_ID":"OP_BOGUS","x":`+strconv.Itoa(n)+`}`, status))
		},
		func(id uint64, status string, n int) string { return luxid(id, op(strconv.Itoa(n), status)) },
		func(id uint64, status string, n int) string {
			return luxid(id, op(delay(1), "success"), op(delay(n), status))
		},
		func(id uint64, status string, n int) string {
			return strings.Replace(luxid(id, op(delay(n), status)), `{"id"`, `{"writable":true,"id"`, 1)
		},
		func(uint64, string, int) string { return `{not json` },
	}
}

// Queries over a queue whose jobs change between them (status and
// opcodes) answer, byte for byte, what a query of a fresh queue answers
// with every value computed anew.
func TestJobQueryFollowsChangingFiles(t *testing.T) {
	l := paths.New(t.TempDir())
	require.NoError(t, os.MkdirAll(l.ArchiveDir, 0o750))
	variants := jobFileVariants(t)
	statuses := []string{"queued", "waiting", "running", "success", "error", "canceled", "canceling"}
	write := func(id uint64, status string, n int) {
		tmp := l.JobFile(id) + ".tmp"
		data := variants[int(id-1)%len(variants)](id, status, n)
		require.NoError(t, os.WriteFile(tmp, []byte(data), 0o600))
		require.NoError(t, os.Rename(tmp, l.JobFile(id)))
	}
	const jobs = 3 * 7
	for id := uint64(1); id <= jobs; id++ {
		write(id, "queued", 1)
	}
	q, err := jqueue.Open(l, nil)
	require.NoError(t, err)
	res, err := New("job", Env{Jobs: q, Opcodes: schema30})
	require.NoError(t, err)
	fresh := newJobTables(jobFields(
		func(input json.RawMessage) string { return schema30.ParseInput(input).Summary() },
		func(input json.RawMessage) json.RawMessage { return canonicalInput(schema30, input) }))
	var all []string
	for _, d := range res.QueryFields(nil).Fields {
		all = append(all, d.Name)
	}
	for step := range 30 {
		for _, fields := range [][]string{{"id", "status", "summary"}, all} {
			got, err := res.Query(context.Background(), fields, nil)
			require.NoError(t, err)
			again, err := jqueue.Open(l, nil)
			require.NoError(t, err)
			want, err := jobsOf(again, fresh).Query(context.Background(), fields, nil)
			require.NoError(t, err)
			requireSameAnswer(t, want, got, step)
		}
		for id := uint64(1); id <= jobs; id++ {
			if (int(id)+step)%3 == 0 {
				write(id, statuses[(int(id)+step)%len(statuses)], step%4)
			}
		}
	}
}

// requireSameAnswer checks that two results encode alike, as Query and as
// QueryJobs answer them.
func requireSameAnswer(t *testing.T, want, got *query.Result, step int) {
	t.Helper()
	wantJSON, err := want.MarshalJSON()
	require.NoError(t, err)
	gotJSON, err := got.MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, string(wantJSON), string(gotJSON), "step %d", step)
	wantRows, err := query.Compat(want)
	require.NoError(t, err)
	gotRows, err := query.Compat(got)
	require.NoError(t, err)
	wantClassic, err := hsjson.Marshal(wantRows)
	require.NoError(t, err)
	gotClassic, err := hsjson.Marshal(gotRows)
	require.NoError(t, err)
	require.Equal(t, string(wantClassic), string(gotClassic), "step %d", step)
}
