package jqscheduler

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/query"
)

// opSpec describes one opcode of a test job.
type opSpec struct {
	status  jqueue.Status
	prio    int
	deps    []uint64
	reasons []Reason
	fields  string // OP_ID and the opcode's own fields, without braces
	raw     string // the whole input, overriding the above
}

// jobOpt adjusts the last opcode of a test job (or adds one).
type jobOpt func(ops *[]opSpec)

const testDelay = `"OP_ID":"OP_TEST_DELAY","duration":0,"on_master":true,"on_nodes":[],"repeat":0,"interruptible":false,"no_locks":true`

func last(ops *[]opSpec) *opSpec { return &(*ops)[len(*ops)-1] }

func prio(p int) jobOpt { return func(ops *[]opSpec) { last(ops).prio = p } }

func deps(ids ...uint64) jobOpt { return func(ops *[]opSpec) { last(ops).deps = ids } }

func status(s jqueue.Status) jobOpt { return func(ops *[]opSpec) { last(ops).status = s } }

func fields(f string) jobOpt { return func(ops *[]opSpec) { last(ops).fields = f } }

func rawInput(in string) jobOpt { return func(ops *[]opSpec) { last(ops).raw = in } }

// reason adds a reason trail entry.
func reason(source, text string, ts int64) jobOpt {
	return func(ops *[]opSpec) {
		op := last(ops)
		op.reasons = append(op.reasons, Reason{Source: source, Text: text, Timestamp: ts})
	}
}

// rateLimit adds the reason "rate-limit:<spec>".
func rateLimit(spec string) jobOpt { return reason("gnt:user", "rate-limit:"+spec, 0) }

// nextOp starts another opcode.
func nextOp() jobOpt {
	return func(ops *[]opSpec) { *ops = append(*ops, opSpec{fields: testDelay}) }
}

// noOps removes all opcodes.
func noOps() jobOpt { return func(ops *[]opSpec) { *ops = nil } }

// file builds a job file.
func file(id uint64, opts ...jobOpt) *jqueue.Job {
	ops := []opSpec{{fields: testDelay}}
	for _, o := range opts {
		o(&ops)
	}
	j := &jqueue.Job{ID: id}
	for _, op := range ops {
		j.Ops = append(j.Ops, &jqueue.OpCode{
			Input: json.RawMessage(op.input()), Status: op.status, Result: json.RawMessage("null"),
			Log: []json.RawMessage{}, Priority: op.prio,
		})
	}
	return j
}

// input renders the opcode input the way luxid writes it.
func (op opSpec) input() string {
	if op.raw != "" {
		return op.raw
	}
	depends := "null"
	if op.deps != nil {
		parts := make([]string, len(op.deps))
		for i, d := range op.deps {
			parts[i] = fmt.Sprintf("[%d,[]]", d)
		}
		depends = "[" + strings.Join(parts, ",") + "]"
	}
	trail, _ := json.Marshal(nonNil(op.reasons))
	return fmt.Sprintf(`{"priority":0,"depends":%s,"comment":null,"reason":%s,%s}`, depends, trail, op.fields)
}

// job builds a scheduler entry.
func job(id uint64, opts ...jobOpt) *Job { return NewJob(file(id, opts...), nil) }

// jobs builds entries with default content.
func jobs(ids ...uint64) []*Job {
	out := make([]*Job, len(ids))
	for i, id := range ids {
		out[i] = job(id)
	}
	return out
}

// rule decodes a rule from its parts; action and predicates are JSON.
func rule(t testing.TB, uuid string, prio int, watermark uint64, action string, preds ...string) *Rule {
	t.Helper()
	data := fmt.Sprintf(`{"watermark":%d,"priority":%d,"predicates":[%s],"action":%s,"reason_trail":[],"uuid":%q}`,
		watermark, prio, strings.Join(preds, ","), action, uuid)
	var r Rule
	require.NoError(t, r.decode([]byte(data), query.RegexpPCRE), data)
	return &r
}

// queue builds a state from its three lists.
func queue(enq, run, man []*Job) *State {
	s := &State{}
	s.Enqueue(enq...)
	s.running = append(s.running, run...)
	s.manipulated = append(s.manipulated, man...)
	return s
}

// cfg is a configuration with the given limit and rules.
func cfg(maxRunning int, rules ...*Rule) *Config {
	return &Config{MaxRunningJobs: maxRunning, MaxTrackedJobs: DefaultMaxTrackedJobs, Rules: NewRuleSet(rules...)}
}

func rejectedIDs(d Decision) []uint64 {
	ids := make([]uint64, len(d.Reject))
	for i, r := range d.Reject {
		ids[i] = r.Job.ID
	}
	return ids
}

// schema30 is Ganeti 3.0's opcode schema, by which the tests' jobs are
// written.
var schema30 = func() *opcodes.Schema {
	s, err := opcodes.ForRelease("3.0")
	if err != nil {
		panic(err)
	}
	return s
}()

// Limits of the cluster configuration.
const (
	// DefaultMaxTrackedJobs is cluster.max_tracked_jobs of a new cluster.
	DefaultMaxTrackedJobs = 25
	// FallbackMaxJobs is both limits while no configuration is loaded.
	FallbackMaxJobs = 1
)

// MaxTracked is the tracked-jobs limit, FallbackMaxJobs without a
// configuration.
func (c *Config) MaxTracked() int {
	if c == nil {
		return FallbackMaxJobs
	}
	return c.MaxTrackedJobs
}

// NewRuleSet builds a rule set keyed by the rules' uuids (a later rule
// replaces an earlier one with the same uuid). The rules are copied.
func NewRuleSet(rules ...*Rule) *RuleSet {
	byKey := make(map[string]*Rule, len(rules))
	for _, r := range rules {
		byKey[r.UUID] = r
	}
	return newRuleSet(byKey)
}

// Len is the number of rules.
func (rs *RuleSet) Len() int {
	if rs == nil {
		return 0
	}
	return len(rs.ordered)
}

// Manipulated returns the jobs taken out of running by death detection.
func (s *State) Manipulated() []*Job { return slices.Clone(s.manipulated) }

// FindRunning returns the running entry of id (not a manipulated one).
func (s *State) FindRunning(id uint64) (*Job, bool) {
	if i := slices.IndexFunc(s.running, hasID(id)); i >= 0 {
		return s.running[i], true
	}
	return nil, false
}
