package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/query"
)

// The lock resource: WConfd's locks as listLocksWaitingStatus reports them
// (wconfd.Client.ListLocksWaitingStatus). Every lock WConfd lists, held or
// not, and every lock named in a pending request gives a row, in niceSort
// order of the lock names; filters never select locks by name.

func init() {
	register("lock", func(env Env) (Queryable, error) { return lockResource{env: env}, nil })
}

// lockResource answers lock queries over one environment.
type lockResource struct {
	env Env
}

// lockRow is one lock with its owners and the requests waiting for it.
type lockRow struct {
	name string
	// owners are the JSON encodings of the owners' identifiers, in
	// WConfd's order; exclusive tells whether one holds it exclusively.
	owners    []string
	exclusive bool
	// pending are the waiting clients, in WConfd's order.
	pending []lockWaiter
}

// lockWaiter is one client waiting for a lock.
type lockWaiter struct {
	exclusive bool
	owner     string
}

// lockField is a field of the lock table. The rows carry their data, so
// the live data of a row is the row itself; mode, owner and pending are
// runtime fields as in Ganeti.
type lockField = query.Field[*lockRow, *lockRow]

// lockTable holds the four lock fields.
var lockTable = query.NewTable(
	lockField{
		FieldDefinition: query.FieldDefinition{Name: "name", Title: "Name", Kind: query.KindOther, Doc: "Lock name"},
		Get:             func(l *lockRow) query.Cell { return query.Normal(l.name) },
	},
	lockField{
		FieldDefinition: query.FieldDefinition{Name: "mode", Title: "Mode", Kind: query.KindOther,
			Doc: "Mode in which the lock is currently acquired (exclusive or shared)"},
		GetLive: func(l, _ *lockRow) query.Cell {
			switch {
			case len(l.owners) == 0:
				return query.Normal(nil)
			case l.exclusive:
				return query.Normal(lockExclusive)
			}
			return query.Normal(lockShared)
		},
	},
	lockField{
		FieldDefinition: query.FieldDefinition{Name: "owner", Title: "Owner", Kind: query.KindOther, Doc: "Current lock owner(s)"},
		GetLive:         func(l, _ *lockRow) query.Cell { return query.Normal(l.owners) },
	},
	lockField{
		FieldDefinition: query.FieldDefinition{Name: "pending", Title: "Pending", Kind: query.KindOther, Doc: "Jobs waiting for the lock"},
		GetLive: func(l, _ *lockRow) query.Cell {
			out := make([]any, len(l.pending))
			for i, w := range l.pending {
				mode := lockShared
				if w.exclusive {
					mode = lockExclusive
				}
				out[i] = []any{mode, []string{w.owner}}
			}
			return query.Normal(out)
		},
	},
)

// Lock modes as WConfd writes them; "release" only appears in requests.
const (
	lockShared    = "shared"
	lockExclusive = "exclusive"
	lockRelease   = "release"
)

// lockConnectError is what Ganeti's luxid answers when WConfd's socket
// does not exist (golden case "lock-all"; the socket number is that of
// the real daemon's run).
var lockConnectError = gerrors.Generic("Network.Socket.connect: <socket: 9>: does not exist (No such file or directory)")

// Query asks WConfd for the locks, then runs the query over them. WConfd
// is asked first, as Ganeti does: without it every lock query fails,
// even one with an invalid filter.
func (r lockResource) Query(ctx context.Context, fields []string, flt *query.Filter) (*query.Result, error) {
	if r.env.Locks == nil {
		return nil, lockConnectError
	}
	raw, err := r.env.Locks.ListLocksWaitingStatus(ctx)
	if err != nil {
		return nil, lockError(err)
	}
	rows, err := parseLocks(raw)
	if err != nil {
		return nil, err
	}
	res := &query.Resource[*lockRow, *lockRow]{
		Table:     lockTable,
		NameField: "name",
		Select: func(context.Context, []query.Value, []string) ([]*lockRow, error) {
			return rows, nil
		},
		Live: func(_ context.Context, items []*lockRow, _ []string, emit func(*lockRow, *lockRow) error) error {
			for _, l := range items {
				if err := emit(l, l); err != nil {
					return err
				}
			}
			return nil
		},
	}
	return res.Query(ctx, fields, flt)
}

// QueryFields answers QueryFields over the lock fields.
func (lockResource) QueryFields(names []string) query.FieldsResult {
	return lockTable.QueryFields(names)
}

// ClassicFields are Ganeti's generic name and uuid fields; there is no
// classic lock query, and locks have no uuid field.
func (lockResource) ClassicFields() []string { return []string{"name", "uuid"} }

// lockError is a failure to reach WConfd as Ganeti's luxid answers it:
// WConfd's own exceptions and the client's connection errors (already in
// the Haskell luxid's words) pass, anything else is a GenericError.
func lockError(err error) error {
	var ge *gerrors.Error
	if errors.As(err, &ge) {
		return err
	}
	return gerrors.Generic("%s", err.Error())
}

// parseLocks reads listLocksWaitingStatus's answer,
// [[[lock, [[owner, mode]…]]…], [[priority, owner, [[lock, mode]…]]…]],
// into rows sorted by niceSort of the lock names (ties in byte order).
func parseLocks(raw json.RawMessage) ([]*lockRow, error) {
	var pair []json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
		return nil, lockDecodeError("lock status", raw)
	}
	var allocations, pending []json.RawMessage
	if json.Unmarshal(pair[0], &allocations) != nil || json.Unmarshal(pair[1], &pending) != nil {
		return nil, lockDecodeError("lock status", raw)
	}
	rows := map[string]*lockRow{}
	row := func(name string) *lockRow {
		l, ok := rows[name]
		if !ok {
			l = &lockRow{name: name, owners: []string{}, pending: []lockWaiter{}}
			rows[name] = l
		}
		return l
	}
	held := map[string]bool{}
	for _, a := range allocations {
		name, owners, err := parseAllocation(a)
		if err != nil {
			return nil, err
		}
		l := row(name)
		if held[name] {
			continue // Ganeti reads the first entry of a lock only
		}
		held[name] = true
		for _, o := range owners {
			l.owners = append(l.owners, o.owner)
			l.exclusive = l.exclusive || o.exclusive
		}
	}
	for _, p := range pending {
		owner, requests, err := parsePending(p)
		if err != nil {
			return nil, err
		}
		// Per lock, the strongest mode the client waits for; releases
		// do not count.
		wants := map[string]string{}
		for _, req := range requests {
			row(req.name)
			switch {
			case req.mode == lockExclusive:
				wants[req.name] = lockExclusive
			case req.mode == lockShared && wants[req.name] == "":
				wants[req.name] = lockShared
			}
		}
		for name, mode := range wants {
			rows[name].pending = append(rows[name].pending, lockWaiter{exclusive: mode == lockExclusive, owner: owner})
		}
	}
	names := slices.Sorted(maps.Keys(rows))
	query.NiceSort(names)
	out := make([]*lockRow, len(names))
	for i, n := range names {
		out[i] = rows[n]
	}
	return out, nil
}

// lockDecodeError is the failure to read part of WConfd's answer.
func lockDecodeError(what string, raw json.RawMessage) error {
	return gerrors.Generic("Cannot decode %s from WConfd: %s", what, raw)
}

// lockOwnership is one owner of a lock.
type lockOwnership struct {
	owner     string
	exclusive bool
}

// parseAllocation reads [lock, [[owner, mode]…]].
func parseAllocation(raw json.RawMessage) (string, []lockOwnership, error) {
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) != 2 {
		return "", nil, lockDecodeError("lock allocation", raw)
	}
	name, err := parseLockName(parts[0])
	if err != nil {
		return "", nil, err
	}
	var owners [][]json.RawMessage
	if err := json.Unmarshal(parts[1], &owners); err != nil {
		return "", nil, lockDecodeError("lock owners", parts[1])
	}
	out := make([]lockOwnership, len(owners))
	for i, o := range owners {
		if len(o) != 2 {
			return "", nil, lockDecodeError("lock owner", parts[1])
		}
		id, err := parseClientID(o[0])
		if err != nil {
			return "", nil, err
		}
		var mode string
		if json.Unmarshal(o[1], &mode) != nil || (mode != lockShared && mode != lockExclusive) {
			return "", nil, lockDecodeError("owner state", o[1])
		}
		out[i] = lockOwnership{owner: id, exclusive: mode == lockExclusive}
	}
	return name, out, nil
}

// lockRequest is one lock of a pending request.
type lockRequest struct {
	name, mode string
}

// parsePending reads [priority, owner, [[lock, mode]…]] and returns the
// owner's encoded identifier and the requests.
func parsePending(raw json.RawMessage) (string, []lockRequest, error) {
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) != 3 {
		return "", nil, lockDecodeError("pending request", raw)
	}
	owner, err := parseClientID(parts[1])
	if err != nil {
		return "", nil, err
	}
	var reqs [][]json.RawMessage
	if err := json.Unmarshal(parts[2], &reqs); err != nil {
		return "", nil, lockDecodeError("lock requests", parts[2])
	}
	out := make([]lockRequest, len(reqs))
	for i, r := range reqs {
		if len(r) != 2 {
			return "", nil, lockDecodeError("lock request", parts[2])
		}
		name, err := parseLockName(r[0])
		if err != nil {
			return "", nil, err
		}
		var mode string
		if json.Unmarshal(r[1], &mode) != nil || !slices.Contains([]string{lockShared, lockExclusive, lockRelease}, mode) {
			return "", nil, lockDecodeError("lock request", r[1])
		}
		out[i] = lockRequest{name: name, mode: mode}
	}
	return owner, out, nil
}

// lockNamePrefixes are the levels of Ganeti's lock names.
var lockNamePrefixes = []string{"instance/", "nodegroup/", "node-res/", "node/", "network/"}

// parseLockName reads a lock name Ganeti knows.
func parseLockName(raw json.RawMessage) (string, error) {
	var name string
	if err := json.Unmarshal(raw, &name); err != nil {
		return "", lockDecodeError("lock name", raw)
	}
	switch name {
	case "cluster/BGL", "cluster/[lockset]", "cluster/config":
		return name, nil
	}
	for _, p := range lockNamePrefixes {
		if strings.HasPrefix(name, p) {
			return name, nil
		}
	}
	return "", gerrors.Generic("Unknown lock name '%s'", name)
}

// parseClientID reads a client id, [identifier, livelock, pid], and
// returns the JSON encoding of its identifier (a job id or a string), as
// Ganeti shows lock owners.
func parseClientID(raw json.RawMessage) (string, error) {
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) != 3 {
		return "", lockDecodeError("client id", raw)
	}
	var id any
	if err := json.Unmarshal(parts[0], &id); err != nil {
		return "", lockDecodeError("client id", raw)
	}
	switch id.(type) {
	case string, float64:
	default:
		return "", lockDecodeError("client id", raw)
	}
	enc, err := objects.Value(parts[0]).MarshalJSON()
	if err != nil {
		return "", fmt.Errorf("encoding lock owner %s: %w", parts[0], err)
	}
	return string(enc), nil
}
