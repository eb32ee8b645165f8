package jqscheduler

import (
	"encoding/json"
	"errors"

	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/query"
)

// ReplaceFilter is the argument list of the LUXI call ReplaceFilter:
// [uuid|null, priority, predicates, action, reason].
type ReplaceFilter struct {
	// UUID names the rule to add or replace; nil adds a rule under a
	// fresh uuid.
	UUID       *string
	Priority   int
	Predicates []Predicate
	Action     Action
	Reason     []Reason
}

// ErrBadUUID is a ReplaceFilter uuid that is not a lower-case UUID. Its
// text is Ganeti's reply.
var ErrBadUUID = errors.New("Unable to parse UUID")

// ParseReplaceFilter decodes the arguments of ReplaceFilter, with the
// predicates' regular expressions in dialect, the installed release's.
// Failures are *ParseError with the text Ganeti reports after "error: ".
func ParseReplaceFilter(args json.RawMessage, dialect query.RegexpDialect) (*ReplaceFilter, error) {
	list, err := readList(args)
	if err != nil || len(list) != 5 {
		return nil, parseErrorf("Unable to read Tuple5")
	}
	var a ReplaceFilter
	if !isNull(list[0]) {
		uuid, err := readString(list[0])
		if err != nil {
			return nil, err
		}
		a.UUID = &uuid
	}
	if a.Priority, err = readNonNegative(list[1]); err != nil {
		return nil, err
	}
	if a.Predicates, err = readPredicates(list[2], dialect); err != nil {
		return nil, err
	}
	if a.Action, err = readAction(list[3]); err != nil {
		return nil, err
	}
	if a.Reason, err = readReasonTrail(list[4]); err != nil {
		return nil, err
	}
	return &a, nil
}

// CheckUUID accepts the uuids ReplaceFilter takes:
// xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in lower-case hex.
func CheckUUID(uuid string) error {
	const layout = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
	if len(uuid) != len(layout) {
		return ErrBadUUID
	}
	for i := range len(layout) {
		c := uuid[i]
		hex := c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
		if (layout[i] == '-') != (c == '-') || layout[i] == 'x' && !hex {
			return ErrBadUUID
		}
	}
	return nil
}

// Rule is the rule ReplaceFilter stores under uuid: watermark is the job
// queue's serial (the highest job id allocated), read while holding the
// configuration lock, and luxid's own entry ends the reason trail.
func (a *ReplaceFilter) Rule(uuid string, watermark uint64, now jqueue.Timestamp) *Rule {
	trail := append(append([]Reason(nil), a.Reason...), Reason{Source: "luxid", Timestamp: now.Nanos()})
	return &Rule{
		UUID:        uuid,
		Watermark:   watermark,
		Priority:    a.Priority,
		Predicates:  append([]Predicate(nil), a.Predicates...),
		Action:      a.Action,
		ReasonTrail: trail,
	}
}
