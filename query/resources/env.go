package resources

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/query"
)

// Env is what queries read: the configuration, the node daemons, WConfd
// and the job queue.
type Env struct {
	// Config is the configuration snapshot the query runs on.
	Config *objects.ConfigData
	// RPC fetches live data from the node daemons; nil makes every live
	// cell RS_NODATA (status 2), as if every node failed to answer.
	RPC NodeRPC
	// Locks lists WConfd's locks for the "lock" query; nil fails it.
	Locks LockLister
	// Jobs is the job queue the "job" query reads; nil fails it.
	Jobs *jqueue.Queue
	// Opcodes is the installed release's opcode schema, by which the
	// "job" query shows opcodes.
	Opcodes *opcodes.Schema
	// RegexpDialect is the installed release's language of the regular
	// expressions in filter rules, which the "filter" query decodes.
	RegexpDialect query.RegexpDialect
}

// NodeResult is one node's answer to an RPC call: the payload of a
// [true, payload] answer, or the failure. Offline nodes are not contacted
// and answer with Offline set.
type NodeResult struct {
	Payload json.RawMessage
	Err     error
	Offline bool
}

// NodeRPC calls one noded procedure on several nodes at once (in parallel,
// each bounded by the procedure's timeout) and returns each node's result
// keyed by node uuid. body gives the request body of each node.
type NodeRPC interface {
	Call(ctx context.Context, procedure string, nodes []*objects.Node, body func(*objects.Node) any) map[string]NodeResult
}

// LockLister returns WConfd's answer to listLocksWaitingStatus.
type LockLister interface {
	ListLocksWaitingStatus(ctx context.Context) (json.RawMessage, error)
}

// Queryable is a resource as the LUXI methods use it.
type Queryable interface {
	// Query runs a Query call.
	Query(ctx context.Context, fields []string, flt *query.Filter) (*query.Result, error)
	// QueryFields answers QueryFields (nil names: every field).
	QueryFields(names []string) query.FieldsResult
	// ClassicFields are the fields a classic query (QueryNodes…) matches
	// requested names against: "name" and "uuid" for most kinds.
	ClassicFields() []string
}

// constructors maps a query kind to its resource; each resource file
// registers itself in an init function.
var constructors = map[string]func(Env) (Queryable, error){}

// register adds the constructor of kind.
func register(kind string, build func(Env) (Queryable, error)) {
	constructors[kind] = build
}

// ErrUnknownKind fails New for a kind it does not serve.
var ErrUnknownKind = errors.New("resources: query kind not served")

// New returns the resource of kind ("node", "instance", "group",
// "network", "export", "lock", "job", "filter") over env. Kinds it does
// not serve fail with ErrUnknownKind; a configuration whose filter rules
// do not decode fails "filter" with a ConfigurationError.
func New(kind string, env Env) (Queryable, error) {
	build, ok := constructors[kind]
	if !ok {
		return nil, ErrUnknownKind
	}
	return build(env)
}
