package compat_test

import (
	"regexp"
	"testing"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// reasonTimestamps replaces the nanosecond timestamps of reason trails
// (when gnt-filter and the luxid added their entries), which differ from
// run to run.
var reasonTimestamps = normalization{
	name: "reason-timestamps",
	apply: func(t *testing.T, luxid string, r *result) {
		r.stdout = nanosRE.ReplaceAllString(r.stdout, "<ns>")
	},
}

var nanosRE = regexp.MustCompile(`\b1[0-9]{18}\b`)

const (
	ruleA = "aaaaaaaa-0000-4000-8000-00000000000a"
	ruleB = "bbbbbbbb-0000-4000-8000-00000000000b"
)

// TestFilters compares gnt-filter against both luxids: adding rules under
// fixed uuids (replace of an unknown uuid adds it), each action, each
// predicate kind, listing every field, info, replacing and deleting, and
// the errors of bad input.
func TestFilters(t *testing.T) {
	norm := []normalization{reasonTimestamps}
	compareOnBothLuxids(t, sandbox.Options{}, []clientCase{
		{name: "empty-list", cmd: []string{"gnt-filter", "list"}},
		{name: "add-reject", cmd: []string{"gnt-filter", "replace", "--action", "REJECT", "--priority", "5",
			"--predicates", `[["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]]`, "--reason", "why", ruleA}},
		{name: "add-rate-limit", cmd: []string{"gnt-filter", "replace", "--action", "RATE_LIMIT 2",
			"--predicates", `[["reason", ["=~", "reason", "^rate"]], ["jobid", [">", "id", "watermark"]]]`, ruleB}},
		{name: "list", cmd: []string{"gnt-filter", "list"}, norms: norm},
		{name: "list-fields", cmd: []string{"gnt-filter", "list", "-o", "uuid,watermark,priority,predicates,action,reason_trail"}, norms: norm},
		{name: "list-fields-doc", cmd: []string{"gnt-filter", "list-fields"}},
		{name: "info", cmd: []string{"gnt-filter", "info", ruleA}, norms: norm},
		{name: "replace-pause", cmd: []string{"gnt-filter", "replace", "--action", "PAUSE", ruleA}},
		{name: "list-after-replace", cmd: []string{"gnt-filter", "list", "-o", "uuid,action,predicates,priority"}, norms: norm},
		{name: "add-accept", cmd: []string{"gnt-filter", "replace", "--action", "ACCEPT", "--predicates", `[["jobid", ["<", "id", 5]]]`, "cccccccc-0000-4000-8000-00000000000c"}},
		{name: "add-continue", cmd: []string{"gnt-filter", "replace", "--action", "CONTINUE", "dddddddd-0000-4000-8000-00000000000d"}},
		{name: "bad-uuid", cmd: []string{"gnt-filter", "replace", "--action", "ACCEPT", "NOT-A-UUID"}},
		{name: "bad-action", cmd: []string{"gnt-filter", "replace", "--action", "BOGUS", ruleA}},
		{name: "bad-predicate", cmd: []string{"gnt-filter", "replace", "--predicates", `[["bogus", ["=", "a", "b"]]]`, ruleA}},
		{name: "delete", cmd: []string{"gnt-filter", "delete", ruleB}},
		{name: "delete-again", cmd: []string{"gnt-filter", "delete", ruleB}},
		{name: "list-final", cmd: []string{"gnt-filter", "list", "-o", "uuid,action"}},
	})
}

var loopbackRE = regexp.MustCompile(`127\.0\.\d+\.\d+`)
