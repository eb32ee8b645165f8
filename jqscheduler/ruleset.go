package jqscheduler

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/query"
)

// RuleSet is the set of filter rules of one configuration, ready for
// evaluation. It is immutable and safe for concurrent use; a nil RuleSet
// has no rules.
type RuleSet struct {
	byKey   map[string]*Rule // as configured: "filters" key to rule
	ordered []*Rule          // evaluation order
	active  []*Rule          // ordered without CONTINUE rules
	canon   map[*Rule][]byte // JSON of each rule, for ties and equality
	// fingerprint is the keys and rules' JSON in key order: equal rule
	// sets have equal fingerprints.
	fingerprint string
	limits      map[string]int // RATE_LIMIT n by rule uuid
	reject      bool           // some rule rejects
}

// ParseRules decodes the "filters" object of config.data: uuid to rule.
// null stands for no rules. The predicates' regular expressions are in
// dialect, the installed release's.
func ParseRules(filters json.RawMessage, dialect query.RegexpDialect) (*RuleSet, error) {
	if isNull(filters) {
		return newRuleSet(nil), nil
	}
	members, ok := readObject(filters)
	if !ok {
		return nil, fmt.Errorf("jqscheduler: filters: %w", parseErrorf("Unable to read JSObject"))
	}
	byKey := make(map[string]*Rule, len(members))
	for _, m := range members {
		var r Rule
		if err := r.decode(m.Value, dialect); err != nil {
			return nil, fmt.Errorf("jqscheduler: filter rule %s: %w", m.Key, err)
		}
		byKey[m.Key] = &r
	}
	return newRuleSet(byKey), nil
}

// newRuleSet copies the rules and orders them.
func newRuleSet(byKey map[string]*Rule) *RuleSet {
	rs := &RuleSet{byKey: map[string]*Rule{}, canon: map[*Rule][]byte{}, limits: map[string]int{}}
	for key, r := range byKey {
		c := *r
		data, err := c.MarshalJSON()
		if err != nil { // not seen in practice; such a rule equals no other
			data = fmt.Appendf(nil, "unencodable rule %p", &c)
		}
		rs.byKey[key] = &c
		rs.canon[&c] = data
		rs.ordered = append(rs.ordered, &c)
	}
	slices.SortFunc(rs.ordered, rs.compare)
	rs.fingerprint = fingerprint(rs.byKey, rs.canon)
	for _, r := range rs.ordered {
		switch r.Action.Kind {
		case Continue:
			continue
		case RateLimit:
			rs.limits[r.UUID] = r.Action.Limit
		case Reject:
			rs.reject = true
		}
		rs.active = append(rs.active, r)
	}
	return rs
}

// compare orders rules by priority, watermark and uuid; full ties (only
// possible for one uuid under two keys) fall back to the rules' JSON.
func (rs *RuleSet) compare(a, b *Rule) int {
	return cmp.Or(
		cmp.Compare(a.Priority, b.Priority),
		cmp.Compare(a.Watermark, b.Watermark),
		cmp.Compare(a.UUID, b.UUID),
		bytes.Compare(rs.canon[a], rs.canon[b]),
	)
}

// Rules returns the rules in evaluation order.
func (rs *RuleSet) Rules() []*Rule {
	if rs == nil {
		return nil
	}
	return slices.Clone(rs.ordered)
}

// Applying returns the rule that decides about j: the first rule in
// evaluation order that matches j and whose action is not CONTINUE; nil
// if there is none.
func (rs *RuleSet) Applying(j *Job) *Rule {
	if rs == nil || len(rs.active) == 0 {
		return nil
	}
	if m := j.applying.Load(); m != nil && m.rules == rs {
		return rs.at(m.index)
	} else if m != nil && m.rules.fingerprint == rs.fingerprint {
		j.applying.Store(&applyingMemo{rules: rs, index: m.index})
		return rs.at(m.index)
	}
	index := slices.IndexFunc(rs.active, func(r *Rule) bool { return r.Matches(j) })
	j.applying.Store(&applyingMemo{rules: rs, index: index})
	return rs.at(index)
}

// at returns the active rule at index, nil for -1.
func (rs *RuleSet) at(index int) *Rule {
	if index < 0 {
		return nil
	}
	return rs.active[index]
}

// Rejecting returns j's applying rule if it rejects j, else nil.
func (rs *RuleSet) Rejecting(j *Job) *Rule {
	if rs == nil || !rs.reject {
		return nil
	}
	if r := rs.Applying(j); r != nil && r.Action.Kind == Reject {
		return r
	}
	return nil
}

// Equal reports whether two rule sets hold the same rules under the same
// keys, every field compared.
func (rs *RuleSet) Equal(other *RuleSet) bool {
	return rs.fingerprintOrEmpty() == other.fingerprintOrEmpty()
}

func (rs *RuleSet) fingerprintOrEmpty() string {
	if rs == nil {
		return fingerprint(nil, nil)
	}
	return rs.fingerprint
}

// fingerprint lists the keys and rules' JSON in key order.
func fingerprint(byKey map[string]*Rule, canon map[*Rule][]byte) string {
	keys := slices.Sorted(maps.Keys(byKey))
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(strconv.Quote(k))
		b.WriteByte(':')
		b.Write(canon[byKey[k]])
		b.WriteByte('\n')
	}
	return b.String()
}
