package rpc

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/internal/hsjson"
)

// Defaults of Options.
const (
	// DefaultPort is noded's port when /etc/services does not name
	// "ganeti-noded".
	DefaultPort = 1811
	// ConnectTimeout bounds connecting to a node, TLS handshake included
	// (RPC_CONNECT_TIMEOUT).
	ConnectTimeout = 5 * time.Second
	// DefaultMaxParallel bounds the requests one call has in flight: high
	// enough that a call to every node of a large cluster, some of them
	// hanging, takes about one connect timeout, not one per wave.
	DefaultMaxParallel = 1024
)

// The timeout classes of Ganeti's procedures (RpcTimeout).
const (
	Urgent = 60 * time.Second
	Fast   = 5 * time.Minute
	Normal = 15 * time.Minute
	Slow   = time.Hour
)

// timeouts are the timeouts of the procedures luxid calls and a few
// more; any other procedure gets Normal.
var timeouts = map[string]time.Duration{
	"version":                 Urgent,
	"node_info":               Urgent,
	"all_instances_info":      Urgent,
	"instance_console_info":   Urgent,
	"instance_info":           Urgent,
	"instance_list":           Urgent,
	"export_list":             Fast,
	"jobqueue_update":         Fast,
	"jobqueue_rename":         Fast,
	"jobqueue_set_drain_flag": Fast,
	"set_watcher_pause":       Fast,
	"node_activate_master_ip": Fast,
	"master_node_name":        Slow,
}

// acceptsOffline lists the procedures also sent to nodes marked offline.
var acceptsOffline = map[string]bool{"version": true, "master_node_name": true}

// maxAnswer bounds the body of one node's answer.
const maxAnswer = 256 << 20

// Timeout returns how long a call of procedure may take on one node.
func Timeout(procedure string) time.Duration {
	if t, ok := timeouts[procedure]; ok {
		return t
	}
	return Normal
}

// Result is one node's answer to a call: the payload of [true, payload],
// or the failure. Offline is set, with Err ErrOffline, for a node marked
// offline, which was not contacted.
type Result struct {
	Payload json.RawMessage
	Err     error
	Offline bool
}

// Options tune a Client; the zero value gives Ganeti's behaviour.
type Options struct {
	// Port is noded's port; 0 looks up "ganeti-noded" in /etc/services,
	// falling back to DefaultPort.
	Port int
	// ConnectTimeout replaces ConnectTimeout when positive.
	ConnectTimeout time.Duration
	// MaxParallel replaces DefaultMaxParallel when positive.
	MaxParallel int
	// Timeouts replaces the timeout of the procedures it names.
	Timeouts map[string]time.Duration
	// Logger receives one warning per failed node; nil discards them.
	Logger *slog.Logger
}

// Client calls noded procedures. It is safe for concurrent use.
type Client struct {
	root           string // GANETI_ROOTDIR of the layout
	port           int
	connectTimeout time.Duration
	maxParallel    int
	timeouts       map[string]time.Duration
	logger         *slog.Logger
	creds          *credentials
	http           *http.Client
}

// New returns a client using the certificates of layout (client.pem, or
// server.pem when it does not exist, as client certificate; server.pem as
// the cluster certificate nodes must present). It fails if they cannot be
// loaded.
func New(layout *paths.Layout, opts Options) (*Client, error) {
	c := &Client{
		root:           layout.Root,
		port:           opts.Port,
		connectTimeout: opts.ConnectTimeout,
		maxParallel:    opts.MaxParallel,
		timeouts:       opts.Timeouts,
		logger:         opts.Logger,
		creds:          newCredentials(layout.ClientCert, layout.ServerCert),
	}
	if c.port <= 0 {
		c.port = nodedPort()
	}
	if c.connectTimeout <= 0 {
		c.connectTimeout = ConnectTimeout
	}
	if c.maxParallel <= 0 {
		c.maxParallel = DefaultMaxParallel
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if err := c.creds.refresh(); err != nil {
		return nil, err
	}
	c.http = &http.Client{
		Transport: &http.Transport{
			DialTLSContext:         c.dialTLS,
			DisableKeepAlives:      true,
			DisableCompression:     true,
			MaxResponseHeaderBytes: 1 << 20,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

// nodedPort is the "ganeti-noded" service's port, or DefaultPort.
func nodedPort() int {
	if port, err := net.LookupPort("tcp", "ganeti-noded"); err == nil && port > 0 {
		return port
	}
	return DefaultPort
}

// timeout returns the timeout of procedure, overrides first.
func (c *Client) timeout(procedure string) time.Duration {
	if t, ok := c.timeouts[procedure]; ok && t > 0 {
		return t
	}
	return Timeout(procedure)
}

// Call calls procedure on every node in parallel and returns each node's
// result keyed by node uuid (a node listed twice is called once). body
// gives a node's request body: a value to encode as JSON, or a
// json.RawMessage sent as it is; a nil body function sends []. Nodes
// marked offline are not contacted unless the procedure accepts them.
func (c *Client) Call(ctx context.Context, procedure string, nodes []*objects.Node, body func(*objects.Node) any) map[string]Result {
	out := make(map[string]Result, len(nodes))
	credErr := c.creds.refresh()
	type request struct {
		node *objects.Node
		data []byte
		res  Result
	}
	var reqs []*request
	for _, n := range nodes {
		if _, dup := out[n.UUID]; dup {
			continue
		}
		if n.Offline && !acceptsOffline[procedure] {
			out[n.UUID] = Result{Err: ErrOffline, Offline: true}
			continue
		}
		data, err := encodeBody(body, n)
		if err == nil {
			err = credErr
		}
		if err == nil && n.PrimaryIP == "" {
			// An empty host would reach this machine.
			err = &TransportError{Err: errors.New("node " + n.Name + " has no primary IP address")}
		}
		out[n.UUID] = Result{Err: err}
		if err == nil {
			reqs = append(reqs, &request{node: n, data: data})
		}
	}
	// One deadline for the whole fan-out: nodes that hang hold their slots
	// until it passes, and the nodes queued behind them must not each wait
	// a timeout of their own after that.
	ctx, cancel := context.WithTimeout(ctx, c.timeout(procedure))
	defer cancel()
	var wg sync.WaitGroup
	sem := make(chan struct{}, c.maxParallel)
	for _, r := range reqs {
		wg.Go(func() { r.res = c.callNode(ctx, sem, procedure, r.node, r.data) })
	}
	wg.Wait()
	for _, r := range reqs {
		out[r.node.UUID] = r.res
	}
	c.logFailures(procedure, nodes, out)
	return out
}

// encodeBody returns the JSON body of node.
func encodeBody(body func(*objects.Node) any, node *objects.Node) ([]byte, error) {
	if body == nil {
		return []byte("[]"), nil
	}
	switch v := body(node).(type) {
	case json.RawMessage:
		return v, nil
	default:
		data, err := hsjson.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("rpc: encoding the request body: %w", err)
		}
		return data, nil
	}
}

// callNode posts one request once a slot of sem is free.
func (c *Client) callNode(ctx context.Context, sem chan struct{}, procedure string, node *objects.Node, data []byte) Result {
	select {
	case sem <- struct{}{}:
		defer func() { <-sem }()
	case <-ctx.Done():
		return Result{Err: &TransportError{Err: ctx.Err()}}
	}
	return c.post(ctx, procedure, node, data)
}

// post sends one request and decodes the answer, within ctx's deadline.
func (c *Client) post(ctx context.Context, procedure string, node *objects.Node, data []byte) Result {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, NodeURL(node.PrimaryIP, c.port, procedure), bytes.NewReader(data))
	if err != nil {
		return Result{Err: &TransportError{Err: err}}
	}
	// The headers libcurl sends; no User-Agent.
	req.Header.Set("User-Agent", "")
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return Result{Err: &TransportError{Err: unwrapURLError(err)}}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	switch {
	case err != nil:
		return Result{Err: &TransportError{Err: err}}
	case len(answer) > maxAnswer:
		return Result{Err: &DecodeError{Msg: fmt.Sprintf("answer longer than %d bytes", maxAnswer)}}
	}
	return decodeAnswer(answer)
}

// unwrapURLError drops the *url.Error around a transport failure, whose
// text repeats the URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// NodeURL is the URL of procedure on a node with primary address ip; an
// IPv6 address goes in brackets.
func NodeURL(ip string, port int, procedure string) string {
	return "https://" + net.JoinHostPort(ip, strconv.Itoa(port)) + "/" + procedure
}

// dialTLS connects and completes the TLS handshake within the connect
// timeout.
func (c *Client) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, c.connectTimeout)
	defer cancel()
	cfg, err := c.creds.config()
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	raw, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	conn := tls.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

// decodeAnswer reads [true, payload] or [false, message].
func decodeAnswer(data []byte) Result {
	var pair []json.RawMessage
	if err := json.Unmarshal(data, &pair); err != nil {
		return Result{Err: &DecodeError{Msg: err.Error()}}
	}
	if len(pair) != 2 {
		return Result{Err: &DecodeError{Msg: "expected [success, result], got " + abbreviate(data)}}
	}
	switch string(bytes.TrimSpace(pair[0])) {
	case "true":
		return Result{Payload: pair[1]}
	case "false":
		var msg string
		if bytes.HasPrefix(bytes.TrimSpace(pair[1]), []byte(`"`)) && json.Unmarshal(pair[1], &msg) == nil {
			return Result{Err: &RemoteError{Msg: msg}}
		}
		return Result{Err: &DecodeError{Msg: "error result is not a string: " + abbreviate(pair[1])}}
	}
	return Result{Err: &DecodeError{Msg: "expected [success, result], got " + abbreviate(data)}}
}

// abbreviate shortens JSON text for an error message.
func abbreviate(data []byte) string {
	const max = 200
	if len(data) > max {
		return string(data[:max]) + "…"
	}
	return string(data)
}

// logFailures logs the failed nodes of a call, as Ganeti does, except the
// offline ones.
func (c *Client) logFailures(procedure string, nodes []*objects.Node, out map[string]Result) {
	logged := make(map[string]bool)
	for _, n := range nodes {
		if r := out[n.UUID]; r.Err != nil && !r.Offline && !logged[n.UUID] {
			logged[n.UUID] = true
			c.logger.Warn("RPC call failed", "procedure", procedure, "node", n.Name, "error", r.Err)
		}
	}
}
