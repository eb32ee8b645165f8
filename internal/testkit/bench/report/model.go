package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/internal/testkit/bench"
	"github.com/goluxid/goluxid/internal/testkit/bench/store"
)

// index finds the stored entries by release, start mode and scenario.
type index struct {
	entries map[key]*store.Entry
	// releases, modes and scenarios list what the report shows, in
	// report order; scenarios by start mode.
	releases  []string
	modes     []string
	scenarios map[string][]bench.ScenarioInfo
	// modeFlags are the goluxid flags of each start mode, as first stored.
	modeFlags map[string]string
}

type key struct{ release, mode, scenario string }

// newIndex indexes st. The report shows every release goluxid serves and
// any other stored one; the default start mode with every scenario of the
// full profile and any other stored one; other start modes with the
// scenarios stored in them on any release.
func newIndex(st *store.Store) *index {
	ix := &index{entries: map[key]*store.Entry{}, scenarios: map[string][]bench.ScenarioInfo{},
		modeFlags: map[string]string{}}
	var releases, modes []string
	for i := range st.Entries {
		e := &st.Entries[i]
		ix.entries[key{e.Release, e.StartMode, e.Scenario.Name}] = e
		releases, modes = append(releases, e.Release), append(modes, e.StartMode)
		if _, ok := ix.modeFlags[e.StartMode]; !ok {
			ix.modeFlags[e.StartMode] = e.GoluxidFlags
		}
		ix.addScenario(e.StartMode, e.Scenario)
	}
	var served []string
	for _, dir := range strings.Split(release.Supported(), ", ") {
		served = append(served, store.ReleaseName(dir))
	}
	ix.releases = thenSorted(served, releases)
	ix.modes = thenSorted([]string{store.DefaultMode}, modes)
	for _, sc := range bench.Scenarios(bench.FullSizes()) {
		ix.addScenario(store.DefaultMode, sc)
	}
	for mode, list := range ix.scenarios {
		ix.scenarios[mode] = sortScenarios(list)
	}
	return ix
}

// addScenario lists sc under mode once.
func (ix *index) addScenario(mode string, sc bench.ScenarioInfo) {
	if !slices.ContainsFunc(ix.scenarios[mode], func(s bench.ScenarioInfo) bool { return s.Name == sc.Name }) {
		ix.scenarios[mode] = append(ix.scenarios[mode], sc)
	}
}

// thenSorted is first, then the other strings of more in sorted order.
func thenSorted(first, more []string) []string {
	out := slices.Clone(first)
	more = slices.Clone(more)
	slices.Sort(more)
	for _, s := range more {
		out = appendNew(out, s)
	}
	return out
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func (ix *index) entry(rel, mode, scenario string) *store.Entry {
	return ix.entries[key{rel, mode, scenario}]
}

// sortScenarios orders scenarios by family, in the order the full profile
// runs the families, then by size, then by name.
func sortScenarios(list []bench.ScenarioInfo) []bench.ScenarioInfo {
	rank := map[string]int{}
	for _, sc := range bench.Scenarios(bench.FullSizes()) {
		if _, ok := rank[sc.Family]; !ok {
			rank[sc.Family] = len(rank)
		}
	}
	familyRank := func(f string) int {
		if r, ok := rank[f]; ok {
			return r
		}
		return len(rank)
	}
	out := slices.Clone(list)
	slices.SortFunc(out, func(a, b bench.ScenarioInfo) int {
		return cmp.Or(cmp.Compare(familyRank(a.Family), familyRank(b.Family)), strings.Compare(a.Family, b.Family),
			cmp.Compare(size(a.Name), size(b.Name)), strings.Compare(a.Name, b.Name))
	})
	return out
}

// size is the number a scenario's name ends with ("wait-1000" gives
// 1000), 0 for none.
func size(name string) int {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return 0
	}
	n, err := strconv.Atoi(name[i+1:])
	if err != nil {
		return 0
	}
	return n
}

// releaseTitle is "Ganeti 3.0" for "ganeti-3.0".
func releaseTitle(rel string) string {
	if dir, ok := strings.CutPrefix(rel, "ganeti-"); ok {
		return "Ganeti " + dir
	}
	return rel
}

// modeTitle names a start mode by goluxid's flags, as stored.
func (ix *index) modeTitle(mode string) string {
	if mode == store.DefaultMode {
		return "default start"
	}
	if flags := ix.modeFlags[mode]; flags != "" {
		return "goluxid " + flags
	}
	return mode
}

// luxidTitle is how the report names a luxid.
func luxidTitle(lx bench.Luxid) string {
	if lx == bench.Haskell {
		return "Haskell"
	}
	return string(lx)
}

// describeMachine says what a scenario ran on, without the load.
func describeMachine(m bench.Machine) string {
	return fmt.Sprintf("%s, %d CPU(s), %s RAM, Linux %s, %s; %s", m.CPU, m.CPUs, m.Memory, m.Kernel, m.GoVersion, m.Disk)
}
