package rpc

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/json"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
)

// Content encodings of jobqueue_update (RPC_ENCODING_*).
const (
	EncodingNone       = 0
	EncodingZlibBase64 = 1
)

// compressAt is the length from which jobqueue_update compresses.
const compressAt = 4096

// virtualPathPrefix starts a path relative to the virtual cluster root
// (VCLUSTER_VIRT_PATH_PREFIX).
const virtualPathPrefix = "/###-VIRTUAL-PATH-###,"

// etcHosts is the one path never virtualised (VCLUSTER_VPATH_WHITELIST).
const etcHosts = "/etc/hosts"

// Answer is one node's decoded answer to a helper call.
type Answer[T any] struct {
	Value T
	Err   error
}

// VirtualPath returns the path noded is told for file, a path on this
// node: in a virtual cluster (root, GANETI_ROOTDIR, not empty) the path
// below root behind "/###-VIRTUAL-PATH-###,", which each node resolves
// against its own root; otherwise file itself.
func VirtualPath(root, file string) string {
	if root == "" || file == etcHosts {
		return file
	}
	root = strings.TrimRight(path.Clean(root), "/")
	switch {
	case file == root:
		return virtualPathPrefix + "/."
	case strings.HasPrefix(file, root+"/"):
		return virtualPathPrefix + "/" + strings.TrimLeft(file[len(root):], "/")
	case root == "" && strings.HasPrefix(file, "/"): // root "/"
		return virtualPathPrefix + "/" + strings.TrimLeft(file, "/")
	}
	return file // not below the root: an absolute path stays itself
}

// EncodeContent returns the [encoding, data] pair of a file's content:
// the text itself below 4096 bytes, else base64 of its zlib compression.
func EncodeContent(content []byte) []any {
	if len(content) < compressAt {
		return []any{EncodingNone, string(content)}
	}
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	_, _ = zw.Write(content) // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	return []any{EncodingZlibBase64, base64.StdEncoding.EncodeToString(buf.Bytes())}
}

// same returns a body function giving every node the encoding of v.
func same(v any) (func(*objects.Node) any, error) {
	data, err := hsjson.Marshal(v)
	if err != nil {
		return nil, err
	}
	raw := json.RawMessage(data)
	return func(*objects.Node) any { return raw }, nil
}

// callSame calls procedure with the same body on every node and checks
// each payload with check.
func callSame[T any](ctx context.Context, c *Client, procedure string, nodes []*objects.Node, body any, check func(json.RawMessage) (T, error)) map[string]Answer[T] {
	out := make(map[string]Answer[T], len(nodes))
	bodyFn, err := same(body)
	if err != nil {
		for _, n := range nodes {
			out[n.UUID] = Answer[T]{Err: err}
		}
		return out
	}
	for uuid, r := range c.Call(ctx, procedure, nodes, bodyFn) {
		if r.Err != nil {
			out[uuid] = Answer[T]{Err: r.Err}
			continue
		}
		v, err := check(r.Payload)
		out[uuid] = Answer[T]{Value: v, Err: err}
	}
	return out
}

// errorsOf keeps the errors of answers without a value.
func errorsOf(answers map[string]Answer[struct{}]) map[string]error {
	out := make(map[string]error, len(answers))
	for uuid, a := range answers {
		out[uuid] = a.Err
	}
	return out
}

// isNull accepts a null payload.
func isNull(payload json.RawMessage) (struct{}, error) {
	if string(bytes.TrimSpace(payload)) != "null" {
		return struct{}{}, &DecodeError{Msg: "Expected JSNull, got " + abbreviate(payload)}
	}
	return struct{}{}, nil
}

// JobqueueUpdate writes content to the queue file at file, a path of the
// client's layout (virtualised for noded in a virtual cluster), on every
// node; the error of each node, nil on success.
func (c *Client) JobqueueUpdate(ctx context.Context, nodes []*objects.Node, file string, content []byte) map[string]error {
	body := []any{VirtualPath(c.root, file), EncodeContent(content)}
	return errorsOf(callSame(ctx, c, "jobqueue_update", nodes, body, isNull))
}

// JobqueueRename renames queue files (old, new pairs of paths of the
// client's layout) on every node. The paths are virtualised as
// jobqueue_update's are: in a virtual cluster noded accepts nothing else.
// (The Haskell luxid sends the plain paths, the same outside a virtual
// cluster, and every rename it sends in one fails.)
func (c *Client) JobqueueRename(ctx context.Context, nodes []*objects.Node, renames [][2]string) map[string]error {
	pairs := make([][]string, len(renames))
	for i, r := range renames {
		pairs[i] = []string{VirtualPath(c.root, r[0]), VirtualPath(c.root, r[1])}
	}
	want := "[" + strings.TrimSuffix(strings.Repeat("null,", len(renames)), ",") + "]"
	check := func(payload json.RawMessage) (struct{}, error) {
		var got bytes.Buffer
		if json.Compact(&got, payload) != nil || got.String() != want {
			return struct{}{}, &DecodeError{Msg: "Expected JSNull, got " + abbreviate(payload)}
		}
		return struct{}{}, nil
	}
	return errorsOf(callSame(ctx, c, "jobqueue_rename", nodes, []any{pairs}, check))
}

// SetDrainFlag sets or clears the queue's drain flag on every node.
func (c *Client) SetDrainFlag(ctx context.Context, nodes []*objects.Node, drain bool) map[string]error {
	return errorsOf(callSame(ctx, c, "jobqueue_set_drain_flag", nodes, []any{drain}, isNull))
}

// SetWatcherPause pauses the watcher until the given time (seconds since
// the epoch), or resumes it for nil, on every node.
func (c *Client) SetWatcherPause(ctx context.Context, nodes []*objects.Node, until *float64) map[string]error {
	var v any // null
	if until != nil {
		v = objects.Double(*until)
	}
	return errorsOf(callSame(ctx, c, "set_watcher_pause", nodes, []any{v}, isNull))
}

// MasterNodeName asks every node, offline ones included, which node it
// believes is the master.
func (c *Client) MasterNodeName(ctx context.Context, nodes []*objects.Node) map[string]Answer[string] {
	return callSame(ctx, c, "master_node_name", nodes, []any{}, decodeString)
}

// Version asks every node, offline ones included, for its protocol
// version.
func (c *Client) Version(ctx context.Context, nodes []*objects.Node) map[string]Answer[int] {
	return callSame(ctx, c, "version", nodes, []any{}, func(payload json.RawMessage) (int, error) {
		var v int
		if err := json.Unmarshal(payload, &v); err != nil {
			return 0, &DecodeError{Msg: "version: " + err.Error()}
		}
		return v, nil
	})
}

// decodeString reads a string payload.
func decodeString(payload json.RawMessage) (string, error) {
	var s string
	if !bytes.HasPrefix(bytes.TrimSpace(payload), []byte(`"`)) || json.Unmarshal(payload, &s) != nil {
		return "", &DecodeError{Msg: "expected a string, got " + abbreviate(payload)}
	}
	return s, nil
}

// Candidates returns the master candidates of cfg other than the master,
// in uuid order (the nodes luxid replicates the job queue to); with
// master, the master node too.
func Candidates(cfg *objects.ConfigData, master bool) []*objects.Node {
	var out []*objects.Node
	for _, uuid := range slices.Sorted(maps.Keys(cfg.Nodes)) {
		n := cfg.Nodes[uuid]
		isMaster := uuid == cfg.Cluster.MasterNode
		if n.MasterCandidate && !isMaster || master && isMaster {
			out = append(out, n)
		}
	}
	return out
}

// MasterNetwork are the master IP's settings as node_activate_master_ip
// takes them.
type MasterNetwork struct {
	UUID     string `json:"uuid"` // the master node
	IP       string `json:"ip"`
	Netmask  int    `json:"netmask"`
	Netdev   string `json:"netdev"`
	IPFamily int    `json:"ip_family"`
}

// MasterNetworkOf returns the master IP's settings in cfg.
func MasterNetworkOf(cfg *objects.ConfigData) MasterNetwork {
	cl := cfg.Cluster
	return MasterNetwork{UUID: cl.MasterNode, IP: cl.MasterIP, Netmask: cl.MasterNetmask,
		Netdev: cl.MasterNetdev, IPFamily: cl.PrimaryIPFamily}
}

// ActivateMasterIP asks the master node's noded to bring up the master IP
// (with the cluster's external script if externalScript).
func (c *Client) ActivateMasterIP(ctx context.Context, master *objects.Node, params MasterNetwork, externalScript bool) error {
	errs := errorsOf(callSame(ctx, c, "node_activate_master_ip", []*objects.Node{master},
		[]any{params, externalScript}, isNull))
	return errs[master.UUID]
}
