package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
)

// Report is the outcome of Run; it is also the JSON report.
type Report struct {
	Date time.Time `json:"date"`
	// Command is the command line that produced the report; the caller
	// sets it.
	Command string `json:"command,omitempty"`
	// Luxids are the command lines of the luxids; the caller sets them.
	Luxids  map[Luxid]string `json:"luxids,omitempty"`
	Machine Machine          `json:"machine"`
	Rounds  int              `json:"rounds"`
	Sizes   Sizes            `json:"sizes"`
	// Scenarios are the selected scenarios with what they measure.
	Scenarios []ScenarioInfo `json:"scenarios"`
	// Durable is each round's durable-write baseline.
	Durable []DurableWrites `json:"durable_writes"`
	// DurablePerSecond summarises Durable's rates.
	DurablePerSecond Summary  `json:"durable_writes_per_second"`
	Results          []Result `json:"results"`
	Runs             []Record `json:"runs"`
	Seconds          float64  `json:"seconds"`
}

// ScenarioInfo names a scenario and what it measures.
type ScenarioInfo struct {
	Name   string `json:"name"`
	Family string `json:"family"`
	About  string `json:"about"`
}

// Record is one scenario run on one luxid.
type Record struct {
	Round    int    `json:"round"`
	Scenario string `json:"scenario"`
	Luxid    Luxid  `json:"luxid"`
	// Started is when the run began; Seconds how long it took.
	Started time.Time `json:"started"`
	Seconds float64   `json:"seconds"`
	// LoadBefore and LoadAfter are the machine's load averages at the
	// run's start and end.
	LoadBefore string   `json:"load_before"`
	LoadAfter  string   `json:"load_after"`
	Figures    []Figure `json:"figures,omitempty"`
	// Distributions are the run's per-operation latencies, for the
	// scenarios that time every operation.
	Distributions []Distribution `json:"distributions,omitempty"`
	Notes         []string       `json:"notes,omitempty"`
	Error         string         `json:"error,omitempty"`
}

// Result is one figure of one scenario on both luxids across rounds.
type Result struct {
	Scenario string `json:"scenario"`
	Metric   string `json:"metric"`
	Unit     string `json:"unit"`
	Better   Better `json:"better"`
	Goluxid  Series `json:"goluxid"`
	Haskell  Series `json:"haskell"`
	// Ratio is goluxid's median divided by the Haskell luxid's; 0 when
	// either has no value or the Haskell median is 0.
	Ratio float64 `json:"ratio"`
}

// Series is one luxid's values of a figure, in round order (failed runs
// have none), and their summary.
type Series struct {
	Values  []float64 `json:"values"`
	Summary Summary   `json:"summary"`
}

func newReport(cfg Config) *Report {
	rep := &Report{Date: time.Now().UTC(), Machine: machineInfo(cfg.Dir), Rounds: cfg.Rounds, Sizes: cfg.Sizes}
	selected, _ := selectScenarios(scenarios(cfg.Sizes), cfg.Scenarios)
	for _, sc := range selected {
		rep.Scenarios = append(rep.Scenarios, ScenarioInfo{Name: sc.name, Family: sc.family, About: sc.about})
	}
	return rep
}

func (rep *Report) add(rec Record) { rep.Runs = append(rep.Runs, rec) }

// finish computes the Results from the Runs and closes the measurement.
func (rep *Report) finish() {
	rep.Machine.LoadAfter = loadAverage()
	rep.Seconds = time.Since(rep.Date).Seconds()
	var rates []float64
	for _, d := range rep.Durable {
		rates = append(rates, d.PerSecond)
	}
	rep.DurablePerSecond = summarize(rates)
	rep.Results = nil
	for _, sc := range rep.Scenarios {
		rep.Results = append(rep.Results, Results(rep.Runs, sc.Name)...)
	}
}

// Results computes a scenario's Results from runs: one per figure, in the
// order the runs report them.
func Results(runs []Record, scenario string) []Result {
	var out []Result
	for _, fig := range metricsOf(runs, scenario) {
		out = append(out, result(runs, scenario, fig))
	}
	return out
}

// metricsOf lists a scenario's figures in the order its runs report them.
func metricsOf(runs []Record, scenario string) []Figure {
	var out []Figure
	for _, rec := range runs {
		for _, f := range rec.Figures {
			if rec.Scenario == scenario && !slices.ContainsFunc(out, func(g Figure) bool { return g.Metric == f.Metric }) {
				out = append(out, f)
			}
		}
	}
	return out
}

func result(runs []Record, scenario string, fig Figure) Result {
	res := Result{Scenario: scenario, Metric: fig.Metric, Unit: fig.Unit, Better: fig.Better}
	res.Goluxid = series(runs, scenario, fig.Metric, Go)
	res.Haskell = series(runs, scenario, fig.Metric, Haskell)
	if res.Goluxid.Summary.N > 0 && res.Haskell.Summary.N > 0 && res.Haskell.Summary.Median != 0 {
		res.Ratio = res.Goluxid.Summary.Median / res.Haskell.Summary.Median
	}
	return res
}

func series(runs []Record, scenario, metric string, lx Luxid) Series {
	var s Series
	for _, rec := range runs {
		if rec.Scenario != scenario || rec.Luxid != lx {
			continue
		}
		for _, f := range rec.Figures {
			if f.Metric == metric {
				s.Values = append(s.Values, f.Value)
			}
		}
	}
	s.Summary = summarize(s.Values)
	return s
}

// WriteJSON writes the report as indented JSON.
func (rep *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("bench: write JSON report: %w", err)
	}
	return nil
}

// Failures lists the runs that failed.
func (rep *Report) Failures() []Record {
	var out []Record
	for _, rec := range rep.Runs {
		if rec.Error != "" {
			out = append(out, rec)
		}
	}
	return out
}
