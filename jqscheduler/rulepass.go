package jqscheduler

// rulePass admits candidates by their applying filter rule: no rule,
// ACCEPT: yes; PAUSE, REJECT: no; RATE_LIMIT n: while fewer than n
// running or admitted jobs have that rule as their applying rule.
type rulePass struct {
	rules    *RuleSet
	occupied map[string]int // by rule uuid
}

// newRulePass counts the active jobs whose applying rule is a RATE_LIMIT
// rule of the current set; a rule added later may be over-full already.
func newRulePass(rules *RuleSet, active []*Job) *rulePass {
	p := &rulePass{rules: rules, occupied: map[string]int{}}
	if rules == nil || len(rules.limits) == 0 {
		return p
	}
	for _, j := range active {
		if r := rules.Applying(j); r != nil && r.Action.Kind == RateLimit {
			p.occupied[r.UUID]++
		}
	}
	return p
}

// admit decides about one candidate and occupies its rate limit slot.
func (p *rulePass) admit(j *Job) bool {
	r := p.rules.Applying(j)
	if r == nil {
		return true
	}
	switch r.Action.Kind {
	case Pause, Reject:
		return false
	case RateLimit:
		if p.occupied[r.UUID]+1 > p.rules.limits[r.UUID] {
			return false
		}
		p.occupied[r.UUID]++
	}
	return true
}
