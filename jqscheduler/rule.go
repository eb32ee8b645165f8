package jqscheduler

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
)

// Rule is one filter rule of the job scheduler ("filters" in config.data).
type Rule struct {
	UUID string
	// Watermark is the highest job id allocated when the rule was made;
	// jobid predicates may compare with it as "watermark".
	Watermark uint64
	// Priority orders the rules: lower first. Never negative.
	Priority    int
	Predicates  []Predicate
	Action      Action
	ReasonTrail []Reason
}

// MarshalJSON writes the rule as config.data stores it.
func (r *Rule) MarshalJSON() ([]byte, error) {
	return hsjson.Object{
		hsjson.KV("watermark", r.Watermark),
		hsjson.KV("priority", r.Priority),
		hsjson.KV("predicates", nonNil(r.Predicates)),
		hsjson.KV("action", r.Action),
		hsjson.KV("reason_trail", nonNil(r.ReasonTrail)),
		hsjson.KV("uuid", r.UUID),
	}.MarshalJSON()
}

// nonNil makes a nil list encode as [].
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// decode reads a rule object, with the regular expressions of its
// predicates in dialect. Every key is required and unknown keys are
// ignored; the keys are read in luxid's order and the first failure is
// reported, as a *ParseError with Ganeti's text.
func (r *Rule) decode(data []byte, dialect query.RegexpDialect) error {
	members, ok := readObject(data)
	if !ok {
		return parseErrorf("Unable to read JSObject")
	}
	var parsed Rule
	fields := []struct {
		key  string
		read func(json.RawMessage) error
	}{
		{"watermark", func(v json.RawMessage) (err error) { parsed.Watermark, err = readJobID(v); return }},
		{"priority", func(v json.RawMessage) (err error) { parsed.Priority, err = readNonNegative(v); return }},
		{"predicates", func(v json.RawMessage) (err error) { parsed.Predicates, err = readPredicates(v, dialect); return }},
		{"action", func(v json.RawMessage) (err error) { parsed.Action, err = readAction(v); return }},
		{"reason_trail", func(v json.RawMessage) (err error) { parsed.ReasonTrail, err = readReasonTrail(v); return }},
		{"uuid", func(v json.RawMessage) (err error) { parsed.UUID, err = readString(v); return }},
	}
	for _, f := range fields {
		v, err := requireKey(members, f.key)
		if err != nil {
			return err
		}
		if err := f.read(v); err != nil {
			return parseErrorf("key '%s': %s", f.key, err.Error())
		}
	}
	*r = parsed
	return nil
}

// ActionKind is what a rule does to the jobs it applies to.
type ActionKind uint8

// The actions of filter rules.
const (
	Accept    ActionKind = iota + 1 // the job may run
	Pause                           // the job stays queued
	Reject                          // the job is canceled
	Continue                        // the rule never applies
	RateLimit                       // at most Action.Limit jobs of the rule run
)

var actionNames = map[ActionKind]string{
	Accept: "ACCEPT", Pause: "PAUSE", Reject: "REJECT", Continue: "CONTINUE", RateLimit: "RATE_LIMIT",
}

func (k ActionKind) String() string {
	if name, ok := actionNames[k]; ok {
		return name
	}
	return fmt.Sprintf("ActionKind(%d)", uint8(k))
}

// Action is a rule's action; Limit is set for RateLimit only.
type Action struct {
	Kind  ActionKind
	Limit int
}

// MarshalJSON writes "NAME" or ["RATE_LIMIT", n].
func (a Action) MarshalJSON() ([]byte, error) {
	if a.Kind == RateLimit {
		return hsjson.Marshal([]any{a.Kind.String(), a.Limit})
	}
	return hsjson.Marshal(a.Kind.String())
}

// UnmarshalJSON reads an action; names are case-sensitive.
func (a *Action) UnmarshalJSON(data []byte) error {
	parsed, err := readAction(data)
	if err != nil {
		return err
	}
	*a = parsed
	return nil
}

// readAction decodes "ACCEPT", "PAUSE", "REJECT", "CONTINUE" or
// ["RATE_LIMIT", n] with n a positive integer.
func readAction(raw json.RawMessage) (Action, error) {
	if name, err := readString(raw); err == nil {
		for kind, n := range actionNames {
			if n == name && kind != RateLimit {
				return Action{Kind: kind}, nil
			}
		}
		return Action{}, malformedAction(raw)
	}
	list, err := readList(raw)
	if err != nil || len(list) == 0 {
		return Action{}, malformedAction(raw)
	}
	if name, err := readString(list[0]); err != nil || name != "RATE_LIMIT" {
		return Action{}, malformedAction(raw)
	}
	if len(list) != 2 {
		return Action{}, parseErrorf("RATE_LIMIT argument must be a positive integer")
	}
	n, ok := readRational(list[1])
	if !ok || !n.IsInt() || n.Sign() <= 0 || !n.Num().IsInt64() || n.Num().Int64() > maxLimit {
		return Action{}, parseErrorf("RATE_LIMIT argument must be a positive integer")
	}
	return Action{Kind: RateLimit, Limit: int(n.Num().Int64())}, nil
}

// maxLimit bounds RATE_LIMIT arguments to what any int holds.
const maxLimit = 1<<31 - 1

func malformedAction(raw json.RawMessage) error {
	return parseErrorf("malformed FilterAction JSON: %s", compact(raw))
}

// compact renders JSON as Text.JSON shows it: no spaces, integral
// numbers as integers.
func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return string(hsjson.NormalizeNumbers(b.Bytes()))
}

// PredicateKind says what a predicate looks at.
type PredicateKind uint8

// The kinds of predicates.
const (
	JobIDPredicate  PredicateKind = iota + 1 // the job id, field "id"
	OpcodePredicate                          // the fields of any valid opcode
	ReasonPredicate                          // any reason trail entry: source, reason, timestamp
)

var predicateNames = map[PredicateKind]string{
	JobIDPredicate: "jobid", OpcodePredicate: "opcode", ReasonPredicate: "reason",
}

func (k PredicateKind) String() string {
	if name, ok := predicateNames[k]; ok {
		return name
	}
	return fmt.Sprintf("PredicateKind(%d)", uint8(k))
}

// Predicate is one condition of a rule: a filter of the query language
// over what Kind names. A nil Filter (JSON null) always holds.
type Predicate struct {
	Kind   PredicateKind
	Filter *query.Filter
}

// MarshalJSON writes [kind, filter].
func (p Predicate) MarshalJSON() ([]byte, error) {
	return hsjson.Marshal([]any{p.Kind.String(), p.Filter})
}

// readPredicates decodes a list of predicates, with their regular
// expressions in dialect.
func readPredicates(raw json.RawMessage, dialect query.RegexpDialect) ([]Predicate, error) {
	list, err := readList(raw)
	if err != nil {
		return nil, err
	}
	preds := make([]Predicate, 0, len(list))
	for _, e := range list {
		p, err := readPredicate(e, dialect)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	return preds, nil
}

// readPredicate decodes one [kind, filter]; kinds are case-sensitive, and
// the filter's regular expressions are in dialect.
func readPredicate(raw json.RawMessage, dialect query.RegexpDialect) (Predicate, error) {
	list, err := readList(raw)
	var name string
	if err == nil && len(list) > 0 {
		name, err = readString(list[0])
	}
	if err != nil || len(list) == 0 {
		return Predicate{}, parseErrorf("malformed FilterPredicate: must be a list with the first entry being a string describing the predicate type")
	}
	kind := predicateKind(name)
	if kind == 0 || len(list) != 2 {
		return Predicate{}, parseErrorf("malformed FilterPredicate: bad parameter list for '%s' predicate: [%s]", name, compactAll(list[1:]))
	}
	f, err := query.ParseFilter(list[1], query.WithRegexpDialect(dialect))
	if err != nil {
		var perr *query.ParseError
		if errors.As(err, &perr) {
			return Predicate{}, &ParseError{Msg: perr.Msg}
		}
		return Predicate{}, &ParseError{Msg: err.Error()}
	}
	return Predicate{Kind: kind, Filter: f}, nil
}

func predicateKind(name string) PredicateKind {
	for kind, n := range predicateNames {
		if n == name {
			return kind
		}
	}
	return 0
}

func compactAll(list []json.RawMessage) string {
	parts := make([][]byte, len(list))
	for i, e := range list {
		parts[i] = []byte(compact(e))
	}
	return string(bytes.Join(parts, []byte(",")))
}
