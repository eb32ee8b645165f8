package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/events.json is go test -json -p 1 over five packages: tj/p
// passes (one test logs, one skips with two lines, one skips a subtest),
// tj/q has a failing and a skipped test, tj/r panics, tj/n has no tests,
// tj/b does not build.
func filter(t *testing.T, label string) (*summary, string) {
	t.Helper()
	events, err := os.Open("testdata/events.json")
	require.NoError(t, err)
	defer events.Close()
	var out bytes.Buffer
	s := newSummary(&out, label, "tj/")
	require.NoError(t, s.read(events))
	return s, out.String()
}

func TestFilterPrintsGoTestsLines(t *testing.T) {
	s, out := filter(t, "")
	lines := strings.Split(out, "\n")
	assert.Regexp(t, `^ok  \ttj/p\t0\.\d{3}s$`, lines[0])
	assert.Equal(t, []string{"    q_test.go:4: before", "    q_test.go:4: wrong answer", "--- FAIL: TestBad (0.00s)"}, lines[1:4])
	assert.Regexp(t, `^FAIL\ttj/q\t0\.\d{3}s$`, lines[4])
	assert.Contains(t, out, "--- FAIL: TestSlowPanics")
	assert.Contains(t, out, "panic: boom")
	assert.Regexp(t, `\nFAIL\ttj/r\t0\.\d{3}s\n`, out)
	assert.Contains(t, out, "?   \ttj/n\t[no test files]\n")
	assert.Contains(t, out, "b/b_test.go:3:27: undefined: undefined\nFAIL\ttj/b\t")
	assert.NotContains(t, out, "=== RUN", "framing lines")
	assert.NotContains(t, out, "hello", "the log of a test that passed")
	assert.NotContains(t, out, "\nPASS\n")
	assert.True(t, s.failed())
	assert.Equal(t, run{Passed: 4, Failed: 2, Skipped: []skip{
		{Test: "p TestB", Reason: "because second line"},
		{Test: "p TestC/s", Reason: "sub reason"},
		{Test: "q TestSkipped", Reason: "needs a thing"},
	}}, s.run)
}

func TestFilterLabelsPackages(t *testing.T) {
	s, out := filter(t, "(Ganeti 3.1)")
	assert.Regexp(t, `^ok  \ttj/p \(Ganeti 3\.1\)\t0\.\d{3}s\n`, out)
	assert.Equal(t, "q TestSkipped (Ganeti 3.1)", s.run.Skipped[2].Test)
}

func TestPassingStreamIsNoFailure(t *testing.T) {
	var out bytes.Buffer
	s := newSummary(&out, "", "")
	require.NoError(t, s.read(strings.NewReader(`not an event
{"Action":"run","Package":"a","Test":"T"}
{"Action":"output","Package":"a","Test":"T","Output":"--- PASS: T (0.00s)\n"}
{"Action":"pass","Package":"a","Test":"T"}
{"Action":"output","Package":"a","Output":"PASS\n"}
{"Action":"pass","Package":"a","Elapsed":1.5}
`)))
	assert.False(t, s.failed())
	assert.Equal(t, "not an event\nok  \ta\t1.500s\n", out.String())
}

func TestReportListsEverySkip(t *testing.T) {
	file := filepath.Join(t.TempDir(), "runs")
	for _, label := range []string{"(Ganeti 3.0)", "(Ganeti 3.1)"} {
		s, _ := filter(t, label)
		require.NoError(t, s.record(file))
	}
	var out bytes.Buffer
	require.NoError(t, printReport(&out, file))
	assert.Equal(t, `skipped tests:
  p TestB (Ganeti 3.0): because second line
  p TestC/s (Ganeti 3.0): sub reason
  q TestSkipped (Ganeti 3.0): needs a thing
  p TestB (Ganeti 3.1): because second line
  p TestC/s (Ganeti 3.1): sub reason
  q TestSkipped (Ganeti 3.1): needs a thing
tests: 8 passed, 4 failed, 6 skipped
`, out.String())
}

func TestReportWithoutSkipsHasNoSection(t *testing.T) {
	file := filepath.Join(t.TempDir(), "runs")
	require.NoError(t, os.WriteFile(file, []byte(`{"passed":3,"failed":0,"skipped":null}`+"\n"), 0o644))
	var out bytes.Buffer
	require.NoError(t, printReport(&out, file))
	assert.Equal(t, "tests: 3 passed, 0 failed, 0 skipped\n", out.String())
}
