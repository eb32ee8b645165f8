package compat_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// vcsVersion handles the one line of "gnt-cluster version" that differs by
// design: the luxid reports its own name and version as vcs_version, so
// goluxid's line must name goluxid. The line is then replaced on both sides;
// every other line must be identical.
var vcsVersion = normalization{
	name: "vcs-version",
	apply: func(t *testing.T, luxid string, r *result) {
		t.Helper()
		line, out, ok := replaceLine(r.stdout, "VCS version: ", "VCS version: <normalized: vcs-version>")
		if !assert.True(t, ok, "%s: no \"VCS version:\" line in %q", luxid, r.stdout) {
			return
		}
		if luxid == goKind {
			assert.Contains(t, line, "goluxid", "goluxid must name itself in its VCS version")
		}
		r.stdout = out
	},
}

// TestClusterQueries compares the read-only cluster commands answered from
// the configuration and the queue's drain flag.
func TestClusterQueries(t *testing.T) {
	compareOnBothLuxids(t, sandbox.Options{}, []clientCase{
		{name: "info", cmd: []string{"gnt-cluster", "info"}},
		{name: "version", cmd: []string{"gnt-cluster", "version"}, norms: []normalization{vcsVersion}},
		{name: "queue-info", cmd: []string{"gnt-cluster", "queue", "info"}},
	})
}
