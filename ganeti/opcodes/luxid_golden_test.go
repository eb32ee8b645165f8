package opcodes

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// luxidCase is one submission recorded from Ganeti 3.0.2's luxid by
// internal/opgen/capture.py.
type luxidCase struct {
	Name       string          `json:"name"`
	Ops        []string        `json:"ops"`
	Success    bool            `json:"success"`
	Result     json.RawMessage `json:"result"`
	Inputs     []string        `json:"inputs"`
	Summary    []string        `json:"summary"`
	ReceivedTS [2]int64        `json:"received_ts"`
}

// differences are the recorded cases where goluxid answers otherwise on
// purpose (README, "Differences from the Haskell luxid"), with the comment
// goluxid writes into the job file. Text.JSON decodes every \u escape of
// a surrogate as a lone surrogate, which luxid then cannot write: the
// submission fails after using a job id.
var differences = map[string]string{
	// goluxid decodes the pair \uD83D\uDE00 as the one character it encodes.
	"comment-escaped-astral": "\U0001F600",
	// A lone surrogate is U+FFFD.
	"comment-lone-surrogate": "\uFFFDx",
}

const submitPrefix = "Failed to parse request: SubmitJob: "

func loadLuxidCases(t *testing.T) []luxidCase {
	t.Helper()
	data, err := os.ReadFile("testdata/luxid-submit.json")
	require.NoError(t, err)
	var cases []luxidCase
	require.NoError(t, json.Unmarshal(data, &cases))
	require.NotEmpty(t, cases)
	return cases
}

// TestAgainstLuxid replays every recorded submission: the same error
// text, or the same job file inputs and summaries, byte for byte.
func TestAgainstLuxid(t *testing.T) {
	for _, c := range loadLuxidCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			if comment, ok := differences[c.Name]; ok {
				assertDifference(t, c, comment)
				return
			}
			var detail string
			if json.Unmarshal(c.Result, &detail) == nil && strings.HasPrefix(detail, submitPrefix) {
				assertRejected(t, c.Ops, strings.TrimPrefix(detail, submitPrefix))
				return
			}
			if !c.Success {
				assertSubmitFails(t, c)
				return
			}
			assertWritten(t, c)
		})
	}
}

// assertDifference checks a case luxid failed to write: goluxid accepts
// it and writes comment, as UTF-8 that reads back the same.
func assertDifference(t *testing.T, c luxidCase, comment string) {
	t.Helper()
	var pair []json.RawMessage
	require.NoError(t, json.Unmarshal(c.Result, &pair))
	require.Len(t, pair, 2)
	assert.JSONEq(t, `"GenericError"`, string(pair[0]))
	assert.Contains(t, string(pair[1]), "commitBuffer: invalid argument", "luxid failed to write the job file")

	require.Len(t, c.Ops, 1)
	op, err := schema30.Validate([]byte(c.Ops[0]))
	require.NoError(t, err)
	written, err := op.Canonical(1, 0, 0)
	require.NoError(t, err)
	assert.True(t, utf8.Valid(written), "the job file's input is UTF-8")
	var input struct{ Comment string }
	require.NoError(t, json.Unmarshal(written, &input))
	assert.Equal(t, comment, input.Comment)
	again := schema30.ParseInput(written)
	require.NotNil(t, again.OpCode(), "the written input validates")
	reread, err := again.MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, string(written), string(reread))
}

// assertRejected checks that the first opcode that does not validate
// fails with luxid's detail.
func assertRejected(t *testing.T, ops []string, detail string) {
	t.Helper()
	for _, raw := range ops {
		if _, err := schema30.Validate([]byte(raw)); err != nil {
			assert.Equal(t, detail, err.Error())
			assert.ErrorIs(t, err, ErrInvalid)
			return
		}
	}
	t.Fatalf("every opcode validated; luxid said %q", detail)
}

// assertSubmitFails checks a submission luxid refused after validating
// it: a relative dependency that resolves to a negative job id. The job
// id luxid had allocated follows from the id in its message.
func assertSubmitFails(t *testing.T, c luxidCase) {
	t.Helper()
	var pair []json.RawMessage
	require.NoError(t, json.Unmarshal(c.Result, &pair))
	require.Len(t, pair, 2)
	var name string
	var args []string
	require.NoError(t, json.Unmarshal(pair[0], &name))
	require.NoError(t, json.Unmarshal(pair[1], &args))
	require.Equal(t, "GenericError", name)
	var resolved int64
	_, err := fmt.Sscanf(args[0], "Invalid value for job ID ' %d'", &resolved)
	require.NoError(t, err, "unexpected GenericError %q", args[0])
	for i, raw := range c.Ops {
		op, err := schema30.Validate([]byte(raw))
		require.NoError(t, err)
		for _, dep := range op.Depends() {
			if dep.JobID >= 0 {
				continue
			}
			jobID := uint64(resolved - dep.JobID)
			_, err := op.Submit(jobID, i, 0)
			require.Error(t, err)
			assert.Equal(t, args[0], err.Error())
			return
		}
	}
	t.Fatalf("no relative dependency; luxid said %s", c.Result)
}

// assertWritten checks the job file inputs and the job summary.
func assertWritten(t *testing.T, c luxidCase) {
	t.Helper()
	var jobID uint64
	require.NoError(t, json.Unmarshal(c.Result, &jobID))
	ns := c.ReceivedTS[0]*1e9 + c.ReceivedTS[1]*1e3
	require.Len(t, c.Inputs, len(c.Ops))
	for i, raw := range c.Ops {
		op, err := schema30.Validate([]byte(raw))
		require.NoError(t, err)
		got, err := op.Canonical(jobID, i, ns)
		require.NoError(t, err)
		assert.Equal(t, c.Inputs[i], string(got), "input %d", i)
		assert.Equal(t, c.Summary[i], op.Summary(), "summary %d", i)

		// The written input validates again, with the same summary, and
		// writing it is stable from then on (the first round may still
		// change it: 0.0 is written back as 0).
		in := schema30.ParseInput(json.RawMessage(c.Inputs[i]))
		require.NotNil(t, in.OpCode(), "written input %d does not validate", i)
		assert.Equal(t, c.Summary[i], in.Summary())
		once, err := in.MarshalJSON()
		require.NoError(t, err)
		twice, err := schema30.ParseInput(once).MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, string(once), string(twice))
	}
}
