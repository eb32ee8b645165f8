package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/goluxid/goluxid"

// forbidden lists, per package prefix (relative to the module), the module
// packages it must never import, directly or indirectly.
var forbidden = map[string][]string{
	// The wire layer knows nothing of what is behind it.
	"luxi": {"luxid", "jqueue", "jqscheduler", "jobexec", "query", "ganeti/config", "ganeti/objects", "ganeti/wconfd", "ganeti/rpc", "internal/daemon"},
	// Ganeti's model and peers know nothing of the daemon's layers above.
	"ganeti/": {"luxid", "jqueue", "jqscheduler", "jobexec", "internal/daemon", "internal/sandbox", "cmd/"},
	// The queue does not know the scheduler or the dispatcher.
	"jqueue":      {"jqscheduler", "luxid", "jobexec"},
	"jqscheduler": {"luxid"},
	"query":       {"luxid", "jqscheduler", "jobexec"},
	"luxid":       {"internal/daemon", "internal/sandbox"},
	// Only commands and tests use the sandbox.
	"internal/": {"internal/sandbox", "cmd/"},
}

// exempt lists packages a forbidden rule does not apply to.
var exempt = map[string]bool{"internal/sandbox": true, "internal/archtest": true}

type listedPackage struct {
	ImportPath string
	Deps       []string
}

func TestImportLayering(t *testing.T) {
	for _, pkg := range listPackages(t) {
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg.ImportPath, module), "/")
		if exempt[rel] {
			continue
		}
		for prefix, banned := range forbidden {
			if !inScope(rel, prefix) {
				continue
			}
			for _, dep := range pkg.Deps {
				depRel, ok := strings.CutPrefix(dep, module+"/")
				if !ok {
					continue
				}
				for _, b := range banned {
					if inScope(depRel, b) {
						t.Errorf("%s must not depend on %s", rel, depRel)
					}
				}
			}
		}
	}
}

// inScope reports whether package rel is pattern: a package path, or a
// directory ending in "/" standing for everything below it.
func inScope(rel, pattern string) bool {
	if strings.HasSuffix(pattern, "/") {
		return strings.HasPrefix(rel, pattern)
	}
	return rel == pattern || strings.HasPrefix(rel, pattern+"/")
}

// listPackages runs go list over the module's packages with their
// dependencies.
func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-json=ImportPath,Deps", module+"/...")
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
