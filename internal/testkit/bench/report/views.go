package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/goluxid/goluxid/internal/testkit/bench"
	"github.com/goluxid/goluxid/internal/testkit/bench/store"
)

// document is what the template renders.
type document struct {
	Releases    []releaseView
	Comparisons []comparisonView
	GoBench     goBenchView
}

// releaseView is one release's section.
type releaseView struct {
	Title string
	// Versions are the Ganeti versions the stored scenarios ran on.
	Versions string
	Measured bool
	Modes    []modeView
	Runs     []provenanceRow
	Machines []machineRow
	Notes    []string
	Charts   []chartLink
}

// modeView is one start mode's table of a release.
type modeView struct {
	Title string
	Rows  []figureRow
}

// figureRow is one row of a results table: a figure of a scenario, or a
// scenario without figures.
type figureRow struct {
	Scenario, Figure, Goluxid, Haskell, Ratio, Better string
}

// provenanceRow says when, on what and from which goluxid a scenario's
// stored figures came.
type provenanceRow struct {
	Mode, Scenario, Date, Commit, Profile, Machine, Load, Durable string
}

// machineRow names one machine the provenance rows refer to.
type machineRow struct {
	Label, Description string
}

// chartLink is one chart of the report.
type chartLink struct {
	Caption, Path string
}

// newDocument builds the report's views from the index; charts holds the
// charts drawn, by file name, and link is the charts' directory as the
// Markdown refers to it.
func newDocument(ix *index, st *store.Store, charts []namedChart, link string) document {
	doc := document{GoBench: newGoBenchView(st.GoBench)}
	machines := newMachineLabels(ix)
	for _, rel := range ix.releases {
		doc.Releases = append(doc.Releases, ix.releaseView(rel, machines, charts, link))
	}
	for _, other := range ix.releases[1:] {
		doc.Comparisons = append(doc.Comparisons, ix.compare(ix.releases[0], other))
	}
	return doc
}

func (ix *index) releaseView(rel string, machines *machineLabels, charts []namedChart, link string) releaseView {
	v := releaseView{Title: releaseTitle(rel)}
	var versions []string
	for _, mode := range ix.modes {
		mv := modeView{Title: ix.modeTitle(mode)}
		for _, sc := range ix.scenarios[mode] {
			e := ix.entry(rel, mode, sc.Name)
			mv.Rows = append(mv.Rows, figureRows(sc.Name, e)...)
			if e == nil {
				continue
			}
			v.Measured = true
			versions = appendNew(versions, e.GanetiVersion)
			v.Runs = append(v.Runs, provenance(ix.modeTitle(mode), e, machines.label(e.Machine)))
			v.Notes = append(v.Notes, notes(ix.modeTitle(mode), e)...)
		}
		v.Modes = append(v.Modes, mv)
	}
	v.Versions = strings.Join(versions, ", ")
	v.Machines = machines.rowsFor(v.Runs)
	for _, c := range charts {
		if c.release == rel {
			v.Charts = append(v.Charts, chartLink{Caption: c.caption, Path: link + "/" + c.file})
		}
	}
	return v
}

// figureRows are a scenario's rows: one per figure, else one saying why
// there is none.
func figureRows(scenario string, e *store.Entry) []figureRow {
	name := "`" + scenario + "`"
	switch {
	case e == nil:
		return []figureRow{{Scenario: name, Figure: "not measured"}}
	case len(e.Results) == 0:
		return []figureRow{{Scenario: name, Figure: "every run failed"}}
	}
	var rows []figureRow
	for _, res := range e.Results {
		rows = append(rows, figureRow{Scenario: name, Figure: res.Label(), Goluxid: res.Goluxid.Span(),
			Haskell: res.Haskell.Span(), Ratio: res.RatioText(), Better: res.Verdict()})
	}
	return rows
}

func provenance(mode string, e *store.Entry, machine string) provenanceRow {
	commit := e.GoluxidCommit
	if commit == "" {
		commit = "unknown"
	}
	d := e.DurablePerSecond
	return provenanceRow{
		Mode: mode, Scenario: "`" + e.Scenario.Name + "`", Date: e.Date.UTC().Format("2006-01-02 15:04 MST"),
		Commit: "`" + commit + "`", Profile: fmt.Sprintf("%s, %d round(s)", e.Profile, e.Rounds), Machine: machine,
		Load:    e.Machine.LoadBefore + " → " + e.Machine.LoadAfter,
		Durable: bench.FormatValue(d.Min) + " / " + bench.FormatValue(d.Median) + " / " + bench.FormatValue(d.Max),
	}
}

// notes lists what the scenario's runs noted and how they failed.
func notes(mode string, e *store.Entry) []string {
	var out []string
	for _, rec := range e.Runs {
		where := fmt.Sprintf("`%s` (%s) on %s, round %d", e.Scenario.Name, mode, luxidTitle(rec.Luxid), rec.Round)
		for _, n := range rec.Notes {
			out = append(out, where+": "+n)
		}
		if rec.Error != "" {
			out = append(out, where+" failed: "+firstLine(rec.Error))
		}
	}
	return out
}

// firstLine keeps the first line of a message.
func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// machineLabels names every distinct machine of the store "A", "B", …
// in the order the report meets them.
type machineLabels struct {
	labels map[string]string
	order  []string
}

func newMachineLabels(ix *index) *machineLabels {
	m := &machineLabels{labels: map[string]string{}}
	for _, rel := range ix.releases {
		for _, mode := range ix.modes {
			for _, sc := range ix.scenarios[mode] {
				if e := ix.entry(rel, mode, sc.Name); e != nil {
					m.label(e.Machine)
				}
			}
		}
	}
	return m
}

func (m *machineLabels) label(machine bench.Machine) string {
	desc := describeMachine(machine)
	if l, ok := m.labels[desc]; ok {
		return l
	}
	l := machineLabel(len(m.order))
	m.labels[desc] = l
	m.order = append(m.order, desc)
	return l
}

// machineLabel is "A" … "Z", then "M27", ….
func machineLabel(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return fmt.Sprintf("M%d", i+1)
}

// rowsFor lists the machines the rows refer to.
func (m *machineLabels) rowsFor(rows []provenanceRow) []machineRow {
	var out []machineRow
	for _, desc := range m.order {
		l := m.labels[desc]
		if slices.ContainsFunc(rows, func(r provenanceRow) bool { return r.Machine == l }) {
			out = append(out, machineRow{Label: l, Description: desc})
		}
	}
	return out
}
