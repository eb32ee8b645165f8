package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// event is one line of go test -json (cmd/test2json's TestEvent).
type event struct {
	Action     string
	Package    string
	ImportPath string // of build-output and build-fail
	Test       string
	Output     string
	Elapsed    float64
}

// run is what one filtered stream recorded for the report.
type run struct {
	Passed  int    `json:"passed"`
	Failed  int    `json:"failed"`
	Skipped []skip `json:"skipped"`
}

type skip struct {
	Test   string `json:"test"`
	Reason string `json:"reason"`
}

// summary follows the events of one stream.
type summary struct {
	out         io.Writer
	label, trim string
	// tests holds the output of each test still running, by package and
	// test; order keeps the tests of a package in the order they started.
	tests        map[string]map[string][]string
	order        map[string][]string
	pkgOutput    map[string][]string
	run          run
	failedPkgs   int
	failedBuilds int
}

func newSummary(out io.Writer, label, trim string) *summary {
	return &summary{out: out, label: label, trim: trim, tests: map[string]map[string][]string{},
		order: map[string][]string{}, pkgOutput: map[string][]string{}}
}

// read handles every line of r.
func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if !bytes.HasPrefix(line, []byte("{")) || json.Unmarshal(line, &e) != nil {
			fmt.Fprintf(s.out, "%s\n", line)
			continue
		}
		s.handle(e)
	}
	return sc.Err()
}

func (s *summary) handle(e event) {
	switch {
	case e.Action == "build-output":
		fmt.Fprint(s.out, e.Output)
	case e.Action == "build-fail":
		s.failedBuilds++
	case e.Test == "":
		s.handlePackage(e)
	default:
		s.handleTest(e)
	}
}

func (s *summary) handleTest(e event) {
	tests := s.tests[e.Package]
	if tests == nil {
		tests = map[string][]string{}
		s.tests[e.Package] = tests
	}
	switch e.Action {
	case "run":
		tests[e.Test] = nil
		s.order[e.Package] = append(s.order[e.Package], e.Test)
	case "output":
		tests[e.Test] = append(tests[e.Test], e.Output)
	case "pass":
		s.run.Passed++
		delete(tests, e.Test)
	case "skip":
		s.run.Skipped = append(s.run.Skipped, skip{
			Test:   strings.TrimSpace(fmt.Sprintf("%s %s %s", strings.TrimPrefix(e.Package, s.trim), e.Test, s.label)),
			Reason: skipReason(tests[e.Test]),
		})
		delete(tests, e.Test)
	case "fail":
		s.run.Failed++
		s.print(tests[e.Test])
		delete(tests, e.Test)
	}
}

// statusLine is a line go test or a test binary ends a package with; the
// summary prints its own.
var statusLine = regexp.MustCompile(`^(PASS|FAIL|ok  \t.*|FAIL\t.*|\?   \t.*)\n$`)

func (s *summary) handlePackage(e event) {
	pkg := e.Package
	if s.label != "" {
		pkg += " " + s.label
	}
	switch e.Action {
	case "output":
		if !statusLine.MatchString(e.Output) {
			s.pkgOutput[e.Package] = append(s.pkgOutput[e.Package], e.Output)
		}
	case "pass":
		fmt.Fprintf(s.out, "ok  \t%s\t%.3fs\n", pkg, e.Elapsed)
	case "skip":
		fmt.Fprintf(s.out, "?   \t%s\t[no test files]\n", pkg)
	case "fail":
		s.failedPkgs++
		// Tests still running when the binary ended: a panic, a timeout.
		for _, test := range s.order[e.Package] {
			if lines, running := s.tests[e.Package][test]; running {
				s.run.Failed++
				s.print(lines)
			}
		}
		s.print(s.pkgOutput[e.Package])
		fmt.Fprintf(s.out, "FAIL\t%s\t%.3fs\n", pkg, e.Elapsed)
	default:
		return
	}
	if e.Action != "output" {
		delete(s.tests, e.Package)
		delete(s.order, e.Package)
		delete(s.pkgOutput, e.Package)
	}
}

// framing is a line of go test -v's that says which test runs.
var framing = regexp.MustCompile(`^=== (RUN|PAUSE|CONT|NAME) `)

// print writes a test's output without its framing lines.
func (s *summary) print(lines []string) {
	for _, l := range lines {
		if !framing.MatchString(l) {
			fmt.Fprint(s.out, l)
		}
	}
}

// logPrefix is the file:line a test's log line starts with.
var logPrefix = regexp.MustCompile(`^\s*[\w.-]+\.go:\d+: `)

// skipReason is what a skipped test logged, on one line.
func skipReason(lines []string) string {
	var words []string
	for _, l := range lines {
		if framing.MatchString(l) || strings.HasPrefix(l, "--- SKIP: ") {
			continue
		}
		if text := strings.TrimSpace(logPrefix.ReplaceAllString(l, "")); text != "" {
			words = append(words, text)
		}
	}
	if len(words) == 0 {
		return "(no reason given)"
	}
	return strings.Join(words, " ")
}

func (s *summary) failed() bool { return s.failedPkgs > 0 || s.failedBuilds > 0 }

// record appends this stream's counts and skips to file.
func (s *summary) record(file string) error {
	data, err := json.Marshal(s.run)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("recording the run: %w", err)
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("recording the run: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("recording the run: %w", err)
	}
	return nil
}

// printReport prints the skips and counts of every run file recorded.
func printReport(w io.Writer, file string) error {
	data, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("reading the recorded runs: %w", err)
	}
	var total run
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var r run
		if err := dec.Decode(&r); err != nil {
			return fmt.Errorf("reading the recorded runs in %s: %w", file, err)
		}
		total.Passed += r.Passed
		total.Failed += r.Failed
		total.Skipped = append(total.Skipped, r.Skipped...)
	}
	if len(total.Skipped) > 0 {
		fmt.Fprintln(w, "skipped tests:")
		for _, sk := range total.Skipped {
			fmt.Fprintf(w, "  %s: %s\n", sk.Test, sk.Reason)
		}
	}
	fmt.Fprintf(w, "tests: %d passed, %d failed, %d skipped\n", total.Passed, total.Failed, len(total.Skipped))
	return nil
}
