package jqueue

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenJobFiles are the job files the real luxid and job processes wrote.
func goldenJobFiles(t testing.TB) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	require.NoError(t, err)
	queue, err := filepath.Glob(filepath.Join("testdata", "golden", "queue", "job-*"))
	require.NoError(t, err)
	files := map[string][]byte{}
	for _, name := range append(names, queue...) {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		files[name] = data
	}
	require.NotEmpty(t, files)
	return files
}

// requireSameAsJSON checks that parseJobFast reads data exactly as
// encoding/json does, or declines it, and that ParseJob agrees with
// encoding/json either way; it reports whether parseJobFast took it.
func requireSameAsJSON(t testing.TB, data []byte) bool {
	t.Helper()
	want, wantErr := parseJobJSON(data)
	fast, ok := parseJobFast(data)
	if ok {
		require.NoError(t, wantErr, "parseJobFast took a file encoding/json refuses:\n%s", data)
		require.Equal(t, want, fast, "parseJobFast read differently:\n%s", data)
	}
	got, err := ParseJob(data)
	if wantErr != nil {
		require.Error(t, err)
		assert.Equal(t, wantErr.Error(), err.Error())
	} else {
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	return ok
}

// Every job file Ganeti wrote takes the single pass, and reads as
// encoding/json reads it; the test queue's corrupt file is left to
// encoding/json.
func TestParseJobFastReadsGaneti(t *testing.T) {
	for name, data := range goldenJobFiles(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			_, err := parseJobJSON(data)
			assert.Equal(t, err == nil, requireSameAsJSON(t, data))
		})
	}
}

// Variants of Ganeti's files: the single pass reads them as encoding/json
// does or leaves them to it, and ParseJob answers the same either way.
func TestParseJobFastOrJSON(t *testing.T) {
	const op = `{"input":{"OP_ID":"OP_TEST_DELAY","duration":1},"status":"queued","result":null,"log":[],"priority":0,` +
		`"start_timestamp":null,"exec_timestamp":null,"end_timestamp":null}`
	job := func(opText, rest string) string {
		return `{"id":7,"ops":[` + opText + `],"received_timestamp":[1700000000,5]` + rest + `}`
	}
	swap := func(old, new string) string { return job(strings.Replace(op, old, new, 1), "") }
	tests := []struct {
		name string
		data string
		fast bool // the single pass takes it
	}{
		{"luxid's form", job(op, ""), true},
		{"python's spacing", strings.NewReplacer(`,"`, `, "`, `":`, `": `).Replace(job(op, "")), true},
		{"white space everywhere", " \t\r\n" + strings.NewReplacer(",", " ,\n ", ":", "\t:\r ", "[", "[ ", "]", " ]").Replace(job(op, "")) + "\n\n", true},
		{"no ops", `{"id":1,"ops":[]}`, true},
		{"several ops", job(op+","+strings.Replace(op, "queued", "success", 1), ""), true},
		{"livelock and pid", job(op, `,"livelock":"/run/ganeti/livelocks/job_7","process_id":4242`), true},
		{"null livelock and pid", job(op, `,"livelock":null,"process_id":null`), true},
		{"log entries", swap(`"log":[]`, `"log":[[1,[1700000000,2],"message","\u00e9 \"x\""],{"a":[true,false,null,-1.5e+3]}]`), true},
		{"null log", swap(`"log":[]`, `"log":null`), true},
		{"no log", swap(`"log":[],`, ``), true},
		{"null input", swap(`{"OP_ID":"OP_TEST_DELAY","duration":1}`, `null`), true},
		{"result of every kind", swap(`"result":null`, `"result":[0,-0,1.25,2E-7,"s\/\b\f\n\r\t",{},[]]`), true},
		{"negative priority", swap(`"priority":0`, `"priority":-20`), true},
		{"negative timestamp", job(op, `,"end_timestamp":[-1,0]`), true},
		{"non-ASCII livelock", job(op, `,"livelock":"/tmp/é"`), true},

		{"unknown key", job(op, `,"writable":true`), false},
		{"key in another case", `{"ID":7,"id":8,"ops":[]}`, false},
		{"escaped key", `{"i\u0064":7,"ops":[]}`, false},
		{"repeated key", job(op, `,"process_id":1,"process_id":2`), false},
		{"repeated op key", swap(`"status":"queued"`, `"status":"queued","status":"error"`), false},
		{"escaped status", swap(`"queued"`, `"queu\u0065d"`), false},
		{"unknown status", swap(`"queued"`, `"done"`), false},
		{"fractional timestamp", job(op, `,"end_timestamp":[1700000000.5,1]`), false},
		{"exponent timestamp", job(op, `,"end_timestamp":[17e8,1]`), false},
		{"long timestamp", job(op, `,"end_timestamp":[1234567890123456789,1]`), false},
		{"short timestamp", job(op, `,"end_timestamp":[1]`), false},
		{"timestamp with null", job(op, `,"end_timestamp":[1,null]`), false},
		{"fractional priority", swap(`"priority":0`, `"priority":1.0`), false},
		{"string pid", job(op, `,"process_id":"12"`), false},
		{"escaped livelock", job(op, `,"livelock":"/tmp/\u00e9"`), false},
		{"invalid UTF-8 livelock", job(op, ",\"livelock\":\"/tmp/\xff\""), false},
		{"negative id", `{"id":-1,"ops":[]}`, false},
		{"huge id", `{"id":18446744073709551615,"ops":[]}`, false},
		{"null id", `{"id":null,"ops":[]}`, false},
		{"null ops", `{"id":1,"ops":null}`, false},
		{"null op", `{"id":1,"ops":[null]}`, false},
		{"no input", swap(`"input":{"OP_ID":"OP_TEST_DELAY","duration":1},`, ``), false},
		{"null status", swap(`"queued"`, `null`), false},
		{"no result", swap(`"result":null,`, ``), false},
		{"log not a list", swap(`"log":[]`, `"log":{}`), false},
		{"not an object", `[1]`, false},
		{"byte order mark", "\xef\xbb\xbf" + `{"id":1,"ops":[]}`, false},
		{"trailing garbage", job(op, "") + "x", false},
		{"two documents", `{"id":1,"ops":[]}{}`, false},
		{"leading zero", swap(`"duration":1`, `"duration":01`), false},
		{"bare minus", swap(`"duration":1`, `"duration":-`), false},
		{"bad fraction", swap(`"duration":1`, `"duration":1.`), false},
		{"bad exponent", swap(`"duration":1`, `"duration":1e`), false},
		{"bad literal", swap(`"duration":1`, `"duration":tru`), false},
		{"literal run on", swap(`"duration":1`, `"duration":nullx`), false},
		{"control character", swap(`"OP_TEST_DELAY"`, "\"OP_TEST\tDELAY\""), false},
		{"bad escape", swap(`"OP_TEST_DELAY"`, `"OP_\x"`), false},
		{"short unicode escape", swap(`"OP_TEST_DELAY"`, `"\u12"`), false},
		{"missing colon", swap(`"duration":1`, `"duration" 1`), false},
		{"trailing comma", swap(`"duration":1`, `"duration":1,`), false},
		{"unclosed", job(op, "")[:40], false},
		{"deep input", swap(`{"OP_ID":"OP_TEST_DELAY","duration":1}`, strings.Repeat("[", 300)+strings.Repeat("]", 300)), false},
		{"empty", ``, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.fast, requireSameAsJSON(t, []byte(tc.data)))
		})
	}
}

// The job keeps raw values that appending to cannot spill into the rest
// of the file.
func TestParseJobFastRawValuesAreCapped(t *testing.T) {
	data := []byte(`{"id":1,"ops":[{"input":{"a":1},"status":"queued","result":2,"log":[3],"priority":0}]}`)
	job, ok := parseJobFast(data)
	require.True(t, ok)
	op := job.Ops[0]
	for _, raw := range [][]byte{op.Input, op.Result, op.Log[0]} {
		_ = append(raw, 'x')
	}
	assert.Equal(t, `{"id":1,"ops":[{"input":{"a":1},"status":"queued","result":2,"log":[3],"priority":0}]}`, string(data))
}

// FuzzParseJobFast checks the single pass against encoding/json on any
// input: what it takes, it reads as encoding/json does.
func FuzzParseJobFast(f *testing.F) {
	for _, data := range goldenJobFiles(f) {
		f.Add(data)
	}
	f.Add([]byte(`{"id":1,"ops":[{"input":{},"status":"queued","result":null,"priority":0}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		requireSameAsJSON(t, data)
	})
}
