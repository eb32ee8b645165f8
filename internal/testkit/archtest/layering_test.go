package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/goluxid/goluxid"

// A layer is a set of packages, named by patterns: a package path, or a
// folder ending in "/" standing for every package below it. A package
// belongs to the layer with the longest pattern that names it.
type layer struct {
	name     string
	packages []string
	// mayImport names the layers this one's non-test code may import.
	mayImport []string
	// stdForbidden lists standard library packages it must not import.
	stdForbidden []string
}

// layers is the module's architecture, bottom up. Every package of the
// module belongs to exactly one layer; a new package needs a place here.
var layers = []layer{
	// Leaf libraries: Haskell-compatible JSON and show.
	{name: "lib", packages: []string{"internal/hsjson", "internal/hsshow"},
		mayImport: []string{"lib"}},
	// Durable file writes and inotify watches.
	{name: "io", packages: []string{"internal/durable", "internal/inotify"},
		mayImport: []string{"lib", "io"}},
	{name: "ganeti-errors", packages: []string{"ganeti/gerrors"}},
	{name: "ganeti-uds", packages: []string{"ganeti/uds"}},
	// Ganeti's model, files and peers.
	{name: "ganeti", packages: []string{"ganeti/"},
		mayImport: []string{"lib", "io", "ganeti", "ganeti-errors", "ganeti-uds"}},
	{name: "livelock", packages: []string{"ganeti/livelock"}},
	{name: "luxi", packages: []string{"luxi"},
		mayImport: []string{"lib", "ganeti-errors", "ganeti-uds"}},
	{name: "jobexec", packages: []string{"jobexec"},
		mayImport: []string{"lib", "io", "ganeti-uds"}},
	// The regular-expression engines of =~, one per Ganeti release.
	{name: "regexp", packages: []string{"query/pcre", "query/tdfa"},
		mayImport: []string{"lib"}},
	{name: "query", packages: []string{"query"},
		mayImport: []string{"lib", "ganeti-errors", "regexp"}},
	{name: "jqueue", packages: []string{"jqueue"},
		mayImport: []string{"lib", "io", "ganeti"}},
	{name: "replica", packages: []string{"jqueue/replica"},
		mayImport: []string{"lib", "ganeti", "jqueue"}},
	// The scheduler's rules: pure functions, no I/O.
	{name: "jqscheduler", packages: []string{"jqscheduler"},
		mayImport:    []string{"lib", "ganeti", "jqueue", "query"},
		stdForbidden: []string{"os/exec"}},
	// Every kind the query engine serves, filter rules included.
	{name: "resources", packages: []string{"query/resources"},
		mayImport: []string{"lib", "ganeti", "ganeti-errors", "query", "jqueue", "jqscheduler"}},
	// The job processes' lifecycle around the rules.
	{name: "runner", packages: []string{"jqscheduler/runner"},
		mayImport: []string{"lib", "io", "ganeti", "livelock", "jqueue", "jobexec", "query", "jqscheduler"}},
	{name: "luxid", packages: []string{"luxid"},
		mayImport: []string{"lib", "io", "ganeti", "livelock", "ganeti-errors", "luxi", "jqueue", "jqscheduler", "query", "resources"}},
	// Process plumbing only the daemon's command uses.
	{name: "daemon", packages: []string{"internal/daemon/"},
		mayImport: []string{"lib", "io", "daemon"}},
	// The daemon's command wires every product layer.
	{name: "goluxid", packages: []string{"cmd/goluxid"},
		mayImport: append(productLayers(), "daemon")},
	// Test and benchmark tooling may use the product, never the reverse.
	{name: "testkit", packages: []string{"internal/testkit/", "cmd/luxibench", "cmd/gnt-sandbox"},
		mayImport: append(productLayers(), "testkit")},
	// Packages of tests only.
	{name: "tests", packages: []string{"compat_test", "packaging"}},
}

// productLayers names the layers of the daemon's libraries: everything the
// command goluxid links besides its own plumbing.
func productLayers() []string {
	return []string{"lib", "io", "ganeti-errors", "ganeti-uds", "ganeti", "livelock", "luxi", "jobexec",
		"regexp", "query", "resources", "jqueue", "replica", "jqscheduler", "runner", "luxid"}
}

type listedPackage struct {
	ImportPath string
	Imports    []string
}

// TestImportLayering checks every package's imports against its layer.
func TestImportLayering(t *testing.T) {
	for _, pkg := range listPackages(t) {
		rel := relative(pkg.ImportPath)
		own, ok := layerOf(rel)
		if !ok {
			t.Errorf("%s belongs to no layer: add it to layers", rel)
			continue
		}
		for _, imp := range pkg.Imports {
			checkImport(t, rel, own, imp)
		}
	}
}

func checkImport(t *testing.T, rel string, own layer, imp string) {
	depRel, inModule := strings.CutPrefix(imp, module+"/")
	if !inModule {
		if slices.Contains(own.stdForbidden, imp) {
			t.Errorf("%s (layer %s) must not import %s", rel, own.name, imp)
		}
		return
	}
	dep, ok := layerOf(depRel)
	if !ok || dep.name == own.name || slices.Contains(own.mayImport, dep.name) {
		return
	}
	t.Errorf("%s (layer %s) must not import %s (layer %s)", rel, own.name, depRel, dep.name)
}

// TestEveryPatternNamesAPackage keeps the table honest: a pattern that no
// longer names a package is a leftover of an old layout.
func TestEveryPatternNamesAPackage(t *testing.T) {
	pkgs := listPackages(t)
	for _, l := range layers {
		for _, pattern := range l.packages {
			found := slices.ContainsFunc(pkgs, func(p listedPackage) bool {
				return matches(relative(p.ImportPath), pattern)
			})
			if !found {
				t.Errorf("layer %s: pattern %q names no package", l.name, pattern)
			}
		}
	}
}

// layerOf returns the layer whose longest pattern names package rel.
func layerOf(rel string) (layer, bool) {
	var best layer
	bestLen := -1
	for _, l := range layers {
		for _, pattern := range l.packages {
			if matches(rel, pattern) && len(pattern) > bestLen {
				best, bestLen = l, len(pattern)
			}
		}
	}
	return best, bestLen >= 0
}

// matches reports whether package rel is pattern, or lies below a folder
// pattern ending in "/".
func matches(rel, pattern string) bool {
	if folder, ok := strings.CutSuffix(pattern, "/"); ok {
		return rel == folder || strings.HasPrefix(rel, pattern)
	}
	return rel == pattern
}

func relative(importPath string) string {
	return strings.TrimPrefix(strings.TrimPrefix(importPath, module), "/")
}

// listPackages runs go list over the module's packages with their direct
// imports (tests' imports are not part of a package's layer).
func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", module+"/...")
	out, err := cmd.Output()
	require.NoError(t, err, "go list")
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []listedPackage
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else {
			require.NoError(t, err)
		}
		pkgs = append(pkgs, p)
	}
	require.NotEmpty(t, pkgs)
	return pkgs
}
