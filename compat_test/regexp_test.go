package compat_test

import (
	"testing"
	"time"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// TestRegexpDialects compares =~ on both luxids where Ganeti 3.0's PCRE
// and 3.1's regex-tdfa disagree: "\d" and "\w" are classes of characters
// in PCRE and the letters d and w in regex-tdfa, which refuses the lazy
// quantifier "*?" and the empty pattern PCRE accepts. Each shows in a
// query filter, in the predicates of a filter rule being added, and in
// whether a rule with such a predicate applies to a job.
func TestRegexpDialects(t *testing.T) {
	// The client's filter language reads /…/ with backslash as its escape
	// character: /\\d/ sends the pattern \d.
	instances := func(filter string) []string {
		return []string{"gnt-instance", "list", "--no-headers", "-o", "name", "--filter", filter}
	}
	const rule = "aaaaaaaa-0000-4000-8000-0000000000e1"
	rules := []string{"gnt-filter", "list", "--no-headers", "-o", "uuid,action,predicates"}
	compareJobSteps(t, sandbox.Options{}, []jobStep{
		{name: "query-digit-class", cmd: instances(`name =~ /\\d/`),
			check: wantResult(onRelease("instance1.example.com\ninstance2.example.com\ninstance3.example.com\n", ""), "", 0)},
		{name: "query-lazy-quantifier", cmd: instances(`name =~ /^i.*?1/`)},
		{name: "query-empty-pattern", cmd: instances(`name =~ //`)},
		{name: "query-negated-lazy", cmd: instances(`name !~ /e*?2/`)},
		{name: "add-lazy-reason-rule", cmd: []string{"gnt-filter", "replace", "--action", "ACCEPT",
			"--predicates", `[["reason", ["=~", "reason", "a*?"]]]`, rule}},
		{name: "add-empty-opcode-rule", cmd: []string{"gnt-filter", "replace", "--action", "ACCEPT",
			"--predicates", `[["opcode", ["=~", "OP_ID", ""]]]`, rule}},
		{name: "rules-after-lazy-and-empty", cmd: rules},
		{name: "add-word-class-rule", cmd: []string{"gnt-filter", "replace", "--action", "REJECT",
			"--predicates", `[["opcode", ["=~", "OP_ID", "^OP_TEST_\\w"]]]`, rule}},
		{name: "rules", cmd: rules},
		{name: "submit", cmd: []string{"gnt-debug", "delay", "--no-master", "--submit", "0.1"}},
		// 3.0's rule rejects the job (canceled); 3.1's does not apply.
		{name: "job-under-rule", cmd: []string{"gnt-job", "list", "--no-headers", "-o", "id,status"},
			before: waitJobsBefore(20*time.Second, "canceled,success", 1),
			check:  wantResult(onRelease("1 canceled\n", "1 success\n"), "", 0)},
	})
}
