package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/goluxid/goluxid/internal/durable"
	"github.com/goluxid/goluxid/internal/testkit/bench"
)

// FormatVersion is the version of the scenario files this package writes
// and reads.
const FormatVersion = 1

// DefaultMode is the start mode of goluxid's default command line.
const DefaultMode = "default"

// ErrFormat marks a stored file this package cannot read.
var ErrFormat = errors.New("store: bad results file")

// Entry is one scenario's latest results on one release and start mode:
// the contents of a scenario file.
type Entry struct {
	Version          int                    `json:"version"`
	Release          string                 `json:"release"`
	GanetiVersion    string                 `json:"ganeti_version"`
	StartMode        string                 `json:"start_mode"`
	GoluxidFlags     string                 `json:"goluxid_flags"`
	GoluxidCommit    string                 `json:"goluxid_commit"`
	Scenario         bench.ScenarioInfo     `json:"scenario"`
	Date             time.Time              `json:"date"`
	Seconds          float64                `json:"seconds"`
	Command          string                 `json:"command"`
	Luxids           map[bench.Luxid]string `json:"luxids"`
	Machine          bench.Machine          `json:"machine"`
	Profile          string                 `json:"profile"`
	Rounds           int                    `json:"rounds"`
	Sizes            bench.Sizes            `json:"sizes"`
	Durable          []bench.DurableWrites  `json:"durable_writes"`
	DurablePerSecond bench.Summary          `json:"durable_writes_per_second"`
	Results          []bench.Result         `json:"results"`
	Runs             []bench.Record         `json:"runs"`
}

// Setting is what a measurement ran on, besides what its Report holds.
type Setting struct {
	// Release is the installed Ganeti's major.minor ("3.0") and
	// GanetiVersion its version ("3.0.2").
	Release, GanetiVersion string
	// GoluxidFlags are the flags added to goluxid's default command line.
	GoluxidFlags  string
	GoluxidCommit string
	Profile       string
}

// ReleaseName is the directory of a Ganeti release's results ("3.0" gives
// "ganeti-3.0").
func ReleaseName(dir string) string { return "ganeti-" + dir }

// StartMode names the start mode of goluxid's extra flags: DefaultMode
// for none, else a slug of the flags (see the package doc).
func StartMode(flags string) string {
	var parts []string
	for _, f := range strings.Fields(flags) {
		if slug := slugify(strings.TrimLeft(f, "-")); slug != "" {
			parts = append(parts, slug)
		}
	}
	if len(parts) == 0 {
		return DefaultMode
	}
	slices.Sort(parts)
	return strings.Join(parts, "-")
}

// slugify lowercases s and makes every run of characters other than a-z
// and 0-9 one "-", trimmed at both ends.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// Split makes one Entry per scenario of rep whose runs all took place.
func Split(rep *bench.Report, s Setting) []Entry {
	var out []Entry
	for _, sc := range rep.Scenarios {
		runs := runsOf(rep, sc.Name)
		if len(runs) == 0 || len(runs) != rep.Rounds*len(bench.Luxids) {
			continue
		}
		out = append(out, entry(rep, s, sc, runs))
	}
	return out
}

func runsOf(rep *bench.Report, scenario string) []bench.Record {
	var out []bench.Record
	for _, rec := range rep.Runs {
		if rec.Scenario == scenario {
			out = append(out, rec)
		}
	}
	return out
}

func entry(rep *bench.Report, s Setting, sc bench.ScenarioInfo, runs []bench.Record) Entry {
	e := Entry{
		Version: FormatVersion, Release: ReleaseName(s.Release), GanetiVersion: s.GanetiVersion,
		StartMode: StartMode(s.GoluxidFlags), GoluxidFlags: s.GoluxidFlags, GoluxidCommit: s.GoluxidCommit,
		Scenario: sc, Date: runs[0].Started, Command: rep.Command, Luxids: rep.Luxids, Machine: rep.Machine,
		Profile: s.Profile, Rounds: rep.Rounds, Sizes: rep.Sizes, Durable: rep.Durable,
		DurablePerSecond: rep.DurablePerSecond, Runs: runs,
	}
	e.Machine.LoadBefore, e.Machine.LoadAfter = runs[0].LoadBefore, runs[len(runs)-1].LoadAfter
	for _, rec := range runs {
		e.Seconds += rec.Seconds
	}
	for _, res := range rep.Results {
		if res.Scenario == sc.Name {
			e.Results = append(e.Results, res)
		}
	}
	return e
}

// path is the entry's file under dir.
func (e Entry) path(dir string) string {
	return filepath.Join(dir, e.Release, e.StartMode, e.Scenario.Name+".json")
}

// check refuses an entry whose names cannot make its path.
func (e Entry) check() error {
	for _, name := range []string{e.Release, e.StartMode, e.Scenario.Name} {
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
			return fmt.Errorf("%w: release %q, start mode %q, scenario %q do not make a path",
				ErrFormat, e.Release, e.StartMode, e.Scenario.Name)
		}
	}
	if e.Version != FormatVersion {
		return fmt.Errorf("%w: version %d, this luxibench reads %d", ErrFormat, e.Version, FormatVersion)
	}
	return nil
}

// Write stores e under dir, replacing the scenario's earlier file.
func Write(dir string, e Entry) error {
	if err := e.check(); err != nil {
		return err
	}
	data, err := encode(e)
	if err != nil {
		return err
	}
	return writeDurably(e.path(dir), data)
}

// encode is the scenario file's text: indented JSON, HTML characters as
// they are.
func encode(e Entry) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, fmt.Errorf("store: encode %s: %w", e.Scenario.Name, err)
	}
	return b.Bytes(), nil
}

// writeDurably writes data to path durably, making its directory first.
func writeDurably(path string, data []byte) error {
	dir, name := filepath.Split(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := durable.Open(dir, nil).WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("store: write %s: %w", path, err)
	}
	return nil
}

// Store is everything stored in one directory.
type Store struct {
	// Entries are sorted by release, start mode and scenario name.
	Entries []Entry
	// GoBench is the Go benchmarks' output; nil when none is stored.
	GoBench *GoBench
}

// Load reads every file stored under dir.
func Load(dir string) (*Store, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*", "*", "*.json"))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	st := &Store{}
	for _, file := range files {
		e, err := readEntry(dir, file)
		if err != nil {
			return nil, err
		}
		st.Entries = append(st.Entries, e)
	}
	st.GoBench, err = readGoBench(dir)
	return st, err
}

// readEntry reads one scenario file and checks that it belongs where it
// lies.
func readEntry(dir, file string) (Entry, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return Entry{}, fmt.Errorf("store: %w", err)
	}
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		return Entry{}, fmt.Errorf("%w %s: %w", ErrFormat, file, err)
	}
	if err := e.check(); err != nil {
		return Entry{}, fmt.Errorf("%s: %w", file, err)
	}
	if e.path(dir) != file {
		return Entry{}, fmt.Errorf("%w %s: it holds %s", ErrFormat, file, e.path(dir))
	}
	return e, nil
}
