package resources

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/rpc"
	"github.com/goluxid/goluxid/internal/hsjson"
)

// rpcCall is one call the fake RPC received.
type rpcCall struct {
	procedure string
	nodes     []string          // node names in call order
	bodies    map[string]string // node name → JSON body
}

// fakeRPC plays the node daemons as rpc.Client reports them: offline
// nodes are not contacted; the others answer with answer, or fail to
// connect when answer is nil or gives a zero result.
type fakeRPC struct {
	answer func(procedure string, n *objects.Node) NodeResult

	mu    sync.Mutex // guards calls
	calls []rpcCall
}

var errConnect = errors.New("Failed to connect to node: Connection refused")

func (f *fakeRPC) Call(_ context.Context, procedure string, nodes []*objects.Node, body func(*objects.Node) any) map[string]NodeResult {
	call := rpcCall{procedure: procedure, bodies: map[string]string{}}
	res := make(map[string]NodeResult, len(nodes))
	for _, n := range nodes {
		call.nodes = append(call.nodes, n.Name)
		data, err := hsjson.Marshal(body(n))
		if err != nil {
			panic(err)
		}
		call.bodies[n.Name] = string(data)
		var r NodeResult
		switch {
		case n.Offline:
			r = NodeResult{Err: rpc.ErrOffline, Offline: true}
		case f.answer != nil:
			r = f.answer(procedure, n)
		}
		if r.Payload == nil && r.Err == nil && !r.Offline {
			r.Err = errConnect
		}
		res[n.UUID] = r
	}
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.mu.Unlock()
	return res
}

// recorded returns the calls received so far.
func (f *fakeRPC) recorded() []rpcCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}
