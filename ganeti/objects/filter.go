package objects

import (
	"encoding/json"
	"fmt"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// FilterRule is one entry of "filters", a rule of the job scheduler.
type FilterRule struct {
	// Watermark is the highest job id when the rule was made.
	Watermark  int64             `json:"watermark"`
	Priority   int               `json:"priority"`
	Predicates []FilterPredicate `json:"predicates"`
	Action     FilterAction      `json:"action"`
	// ReasonTrail is the reason trail of the rule's creation.
	ReasonTrail []ReasonEntry `json:"reason_trail"`
	UUID        string        `json:"uuid"`

	// Extra holds the keys this model does not know.
	Extra map[string]json.RawMessage `json:"-"`
	keys  keySet
}

// FilterPredicate is one predicate of a filter rule: [kind, expression]
// with kind "jobid", "opcode" or "reason" and a query-language filter.
type FilterPredicate struct {
	Kind string
	Expr json.RawMessage
}

// Filter actions.
const (
	FilterAccept    = "ACCEPT"
	FilterPause     = "PAUSE"
	FilterReject    = "REJECT"
	FilterContinue  = "CONTINUE"
	FilterRateLimit = "RATE_LIMIT"
)

// FilterAction is what a matching rule does: a plain action name, or
// RATE_LIMIT with its limit (written ["RATE_LIMIT", n]).
type FilterAction struct {
	Kind      string
	RateLimit int
}

// ReasonEntry is one [source, reason, timestamp in ns] of a reason trail.
type ReasonEntry struct {
	Source, Reason string
	Timestamp      int64
}

// UnmarshalJSON keeps the keys read and any unknown ones.
func (f *FilterRule) UnmarshalJSON(data []byte) error {
	return decodeObject(data, f, &f.keys, &f.Extra)
}

// MarshalJSON writes back what was read.
func (f FilterRule) MarshalJSON() ([]byte, error) { return encodeObject(&f, f.keys, f.Extra) }

// UnmarshalJSON reads [kind, expression].
func (p *FilterPredicate) UnmarshalJSON(data []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if len(raw) != 2 {
		return fmt.Errorf("malformed filter predicate %s", data)
	}
	p.Expr = raw[1]
	return json.Unmarshal(raw[0], &p.Kind)
}

// MarshalJSON writes [kind, expression].
func (p FilterPredicate) MarshalJSON() ([]byte, error) {
	return hsjson.Marshal([]any{p.Kind, p.Expr})
}

// UnmarshalJSON reads "NAME" or ["RATE_LIMIT", n].
func (a *FilterAction) UnmarshalJSON(data []byte) error {
	*a = FilterAction{}
	if err := json.Unmarshal(data, &a.Kind); err == nil {
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || len(raw) != 2 {
		return fmt.Errorf("malformed filter action %s", data)
	}
	if err := json.Unmarshal(raw[0], &a.Kind); err != nil || a.Kind != FilterRateLimit {
		return fmt.Errorf("malformed filter action %s", data)
	}
	n, ok := parseInt(raw[1])
	if !ok || n <= 0 {
		return fmt.Errorf("RATE_LIMIT argument must be a positive integer, got %s", raw[1])
	}
	a.RateLimit = int(n)
	return nil
}

// MarshalJSON writes "NAME" or ["RATE_LIMIT", n].
func (a FilterAction) MarshalJSON() ([]byte, error) {
	if a.Kind == FilterRateLimit {
		return hsjson.Marshal([]any{a.Kind, a.RateLimit})
	}
	return hsjson.Marshal(a.Kind)
}

// UnmarshalJSON reads [source, reason, timestamp].
func (r *ReasonEntry) UnmarshalJSON(data []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if len(raw) != 3 {
		return fmt.Errorf("malformed reason entry %s", data)
	}
	ts, ok := parseInt(raw[2])
	if !ok {
		return fmt.Errorf("malformed reason timestamp %s", raw[2])
	}
	r.Timestamp = ts
	if err := json.Unmarshal(raw[0], &r.Source); err != nil {
		return err
	}
	return json.Unmarshal(raw[1], &r.Reason)
}

// MarshalJSON writes [source, reason, timestamp].
func (r ReasonEntry) MarshalJSON() ([]byte, error) {
	return hsjson.Marshal([]any{r.Source, r.Reason, r.Timestamp})
}
