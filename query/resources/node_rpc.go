package resources

import (
	"context"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/rpc"
)

// RPCClient makes a noded RPC client the NodeRPC of queries.
func RPCClient(c *rpc.Client) NodeRPC { return nodeRPCClient{c} }

// nodeRPCClient adapts *rpc.Client to NodeRPC.
type nodeRPCClient struct {
	c *rpc.Client
}

// Call calls procedure through the client.
func (a nodeRPCClient) Call(ctx context.Context, procedure string, nodes []*objects.Node, body func(*objects.Node) any) map[string]NodeResult {
	results := a.c.Call(ctx, procedure, nodes, body)
	out := make(map[string]NodeResult, len(results))
	for uuid, r := range results {
		out[uuid] = NodeResult(r)
	}
	return out
}
