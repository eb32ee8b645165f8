package rpc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

func TestCallAnswers(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	l := c.install(t, true)
	cases := []struct {
		name    string
		code    int
		answer  string
		payload string
		err     error
	}{
		{"success", 200, `[true, {"a": [1, 2]}]`, `{"a": [1, 2]}`, nil},
		{"null payload", 200, `[true,null]`, `null`, nil},
		{"status ignored", 500, `[true,3000000]`, `3000000`, nil},
		{"failure", 200, `[false,"Error while executing backend function: boom"]`, "", &RemoteError{Msg: "Error while executing backend function: boom"}},
		{"failure not a string", 200, `[false,5]`, "", &DecodeError{Msg: "error result is not a string: 5"}},
		{"not json", 404, `<html>Not found</html>`, "", &DecodeError{}},
		{"three elements", 200, `[true,1,2]`, "", &DecodeError{Msg: "expected [success, result], got [true,1,2]"}},
		{"not a bool", 200, `[null,1]`, "", &DecodeError{Msg: "expected [success, result], got [null,1]"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startNoded(t, c, "127.0.0.1:0", func(*http.Request, []byte) (int, string) { return tc.code, tc.answer })
			cl := newClient(t, l, srv.port, Options{})
			res := cl.Call(context.Background(), "version", []*objects.Node{testNode("n1", "127.0.0.1")}, nil)
			require.Len(t, res, 1)
			r := res["n1"]
			if tc.err == nil {
				require.NoError(t, r.Err)
				assert.JSONEq(t, tc.payload, string(r.Payload))
				return
			}
			require.Error(t, r.Err)
			assert.IsType(t, tc.err, r.Err)
			if de, ok := tc.err.(*DecodeError); ok && de.Msg != "" {
				assert.Equal(t, tc.err, r.Err)
			}
			if _, ok := tc.err.(*RemoteError); ok {
				assert.Equal(t, tc.err, r.Err)
			}
			assert.False(t, r.Offline)
		})
	}
}

func TestCallRequest(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	srv := startNoded(t, c, "127.0.0.1:0", answering(`[true,null]`))
	cl := newClient(t, c.install(t, true), srv.port, Options{})
	body := func(n *objects.Node) any { return []any{n.Name, map[string]any{"k": "<v>"}} }
	res := cl.Call(context.Background(), "node_info", []*objects.Node{testNode("n1", "127.0.0.1")}, body)
	require.NoError(t, res["n1"].Err)
	reqs := srv.requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, "POST", r.Method)
	assert.Equal(t, "/node_info", r.Path)
	assert.Equal(t, `["n1.example.com",{"k":"<v>"}]`, r.Body, "compact JSON, no HTML escaping")
	assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	assert.Equal(t, "*/*", r.Header.Get("Accept"))
	assert.NotContains(t, r.Header, "User-Agent")
	assert.NotContains(t, r.Header, "Accept-Encoding")
}

func TestCallRawAndEmptyBodies(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	srv := startNoded(t, c, "127.0.0.1:0", answering(`[true,[]]`))
	cl := newClient(t, c.install(t, true), srv.port, Options{})
	nodes := []*objects.Node{testNode("n1", "127.0.0.1")}
	cl.Call(context.Background(), "export_list", nodes, func(*objects.Node) any { return jsonRaw(`{}`) })
	cl.Call(context.Background(), "version", nodes, nil)
	reqs := srv.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, `{}`, reqs[0].Body)
	assert.Equal(t, `[]`, reqs[1].Body)
}

func TestOfflineNodes(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	srv := startNoded(t, c, "127.0.0.1:0", answering(`[true,"node1.example.com"]`))
	cl := newClient(t, c.install(t, true), srv.port, Options{})
	off := testNode("off", "127.0.0.1")
	off.Offline = true
	on := testNode("on", "127.0.0.1")

	res := cl.Call(context.Background(), "node_info", []*objects.Node{off, on}, nil)
	assert.Equal(t, Result{Err: ErrOffline, Offline: true}, res["off"])
	assert.True(t, errors.Is(res["off"].Err, ErrOffline))
	assert.EqualError(t, res["off"].Err, "Node is marked offline")
	require.NoError(t, res["on"].Err)
	assert.Len(t, srv.requests(), 1, "the offline node is not contacted")

	names := cl.MasterNodeName(context.Background(), []*objects.Node{off, on})
	assert.Equal(t, Answer[string]{Value: "node1.example.com"}, names["off"], "master_node_name goes to offline nodes")
	assert.Equal(t, Answer[string]{Value: "node1.example.com"}, names["on"])
	assert.Len(t, srv.requests(), 3)
}

func TestDuplicateNodesCalledOnce(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	srv := startNoded(t, c, "127.0.0.1:0", answering(`[true,1]`))
	cl := newClient(t, c.install(t, true), srv.port, Options{})
	n := testNode("n1", "127.0.0.1")
	res := cl.Call(context.Background(), "version", []*objects.Node{n, n}, nil)
	assert.Len(t, res, 1)
	assert.Len(t, srv.requests(), 1)
}

// silentListener accepts connections and never writes.
func silentListener(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var (
		mu    sync.Mutex // guards conns
		conns []net.Conn
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().(*net.TCPAddr).Port
}

func TestConnectTimeoutCoversHandshake(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	port := silentListener(t)
	cl := newClient(t, c.install(t, true), port, Options{ConnectTimeout: 200 * time.Millisecond})
	start := time.Now()
	res := cl.Call(context.Background(), "version", []*objects.Node{testNode("n1", "127.0.0.1")}, nil)
	elapsed := time.Since(start)
	var te *TransportError
	require.ErrorAs(t, res["n1"].Err, &te)
	assert.ErrorIs(t, res["n1"].Err, context.DeadlineExceeded)
	assert.Less(t, elapsed, 5*time.Second, "the connect timeout, not the call's, ended it")
}

func TestCallTimeout(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	release := make(chan struct{})
	// The node answers only once the test ends: an answer sent when the
	// client gives up could still win the race against its cancel.
	srv := startNoded(t, c, "127.0.0.1:0", func(*http.Request, []byte) (int, string) {
		<-release
		return 200, `[true,null]`
	})
	t.Cleanup(func() { close(release) })
	cl := newClient(t, c.install(t, true), srv.port, Options{Timeouts: map[string]time.Duration{"export_list": 300 * time.Millisecond}})
	res := cl.Call(context.Background(), "export_list", []*objects.Node{testNode("n1", "127.0.0.1")}, nil)
	var te *TransportError
	require.ErrorAs(t, res["n1"].Err, &te)
	assert.ErrorIs(t, res["n1"].Err, context.DeadlineExceeded)
}

func TestCallCanceled(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	port := silentListener(t)
	cl := newClient(t, c.install(t, true), port, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := cl.Call(ctx, "version", []*objects.Node{testNode("n1", "127.0.0.1")}, nil)
	assert.ErrorIs(t, res["n1"].Err, context.Canceled)
}

func TestClosedPort(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	cl := newClient(t, c.install(t, true), port, Options{})
	res := cl.Call(context.Background(), "node_info", []*objects.Node{testNode("n1", "127.0.0.1")}, nil)
	var te *TransportError
	require.ErrorAs(t, res["n1"].Err, &te)
	var op *net.OpError
	assert.ErrorAs(t, res["n1"].Err, &op)
	assert.False(t, res["n1"].Offline)
}

func TestParallelFanOutIsBounded(t *testing.T) {
	const limit, nodes = 8, 100
	c := newCluster(t, "ganeti.example.com")
	var (
		mu                sync.Mutex // guards inflight, most
		inflight, most    int
		full              = make(chan struct{})
		closeFull         sync.Once
		requestsCompleted int
	)
	srv := startNoded(t, c, "127.0.0.1:0", func(*http.Request, []byte) (int, string) {
		mu.Lock()
		inflight++
		most = max(most, inflight)
		if inflight == limit {
			closeFull.Do(func() { close(full) })
		}
		mu.Unlock()
		<-full // the first requests wait until limit are in flight together
		mu.Lock()
		inflight--
		requestsCompleted++
		mu.Unlock()
		return 200, `[true,null]`
	})
	cl := newClient(t, c.install(t, true), srv.port, Options{MaxParallel: limit})
	var list []*objects.Node
	for i := range nodes {
		list = append(list, testNode("n"+strconv.Itoa(i), "127.0.0.1"))
	}
	res := cl.Call(context.Background(), "version", list, nil)
	require.Len(t, res, nodes)
	for uuid, r := range res {
		require.NoError(t, r.Err, uuid)
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, limit, most)
	assert.Equal(t, nodes, requestsCompleted)
}

func TestIPv6(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		prereq.KernelForbids(t, "no IPv6 loopback in this kernel or network namespace: %v", err)
	}
	ln.Close()
	c := newCluster(t, "ganeti.example.com")
	srv := startNoded(t, c, "[::1]:0", answering(`[true,1]`))
	cl := newClient(t, c.install(t, true), srv.port, Options{})
	res := cl.Call(context.Background(), "version", []*objects.Node{testNode("n1", "::1")}, nil)
	require.NoError(t, res["n1"].Err)
	assert.JSONEq(t, `1`, string(res["n1"].Payload))
}

func TestNodeURL(t *testing.T) {
	assert.Equal(t, "https://192.0.2.1:1811/node_info", NodeURL("192.0.2.1", 1811, "node_info"))
	assert.Equal(t, "https://[2001:db8::1]:1811/version", NodeURL("2001:db8::1", 1811, "version"))
}

func TestTimeouts(t *testing.T) {
	for proc, want := range map[string]time.Duration{
		"node_info": time.Minute, "all_instances_info": time.Minute, "instance_console_info": time.Minute,
		"version": time.Minute, "export_list": 5 * time.Minute, "jobqueue_update": 5 * time.Minute,
		"jobqueue_rename": 5 * time.Minute, "jobqueue_set_drain_flag": 5 * time.Minute,
		"set_watcher_pause": 5 * time.Minute, "node_activate_master_ip": 5 * time.Minute,
		"master_node_name": time.Hour, "storage_list": 15 * time.Minute,
	} {
		assert.Equal(t, want, Timeout(proc), proc)
	}
}

func TestDefaultPort(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	cl, err := New(c.install(t, true), Options{})
	require.NoError(t, err)
	want := DefaultPort
	if p, err := net.LookupPort("tcp", "ganeti-noded"); err == nil {
		want = p
	}
	assert.Equal(t, want, cl.Port())
}

func TestHostNameNotVerified(t *testing.T) {
	// The cluster certificate names neither 127.0.0.1 nor any host.
	c := newCluster(t, "some-other-name")
	srv := startNoded(t, c, "127.0.0.1:0", answering(`[true,1]`))
	cl := newClient(t, c.install(t, true), srv.port, Options{})
	res := cl.Call(context.Background(), "version", []*objects.Node{testNode("n1", "127.0.0.1")}, nil)
	require.NoError(t, res["n1"].Err)
}

func TestUntrustedNode(t *testing.T) {
	ours, theirs := newCluster(t, "ganeti.example.com"), newCluster(t, "ganeti.example.com")
	srv := startNoded(t, theirs, "127.0.0.1:0", answering(`[true,1]`))
	cl := newClient(t, ours.install(t, true), srv.port, Options{})
	res := cl.Call(context.Background(), "version", []*objects.Node{testNode("n1", "127.0.0.1")}, nil)
	require.Error(t, res["n1"].Err)
	assert.Contains(t, res["n1"].Err.Error(), "certificate")
}

func TestServerCertAsClientCert(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	srv := startNoded(t, c, "127.0.0.1:0", answering(`[true,1]`))
	cl := newClient(t, c.install(t, false), srv.port, Options{})
	res := cl.Call(context.Background(), "version", []*objects.Node{testNode("n1", "127.0.0.1")}, nil)
	require.NoError(t, res["n1"].Err)
}

func TestCertificatesReloaded(t *testing.T) {
	old, renewed := newCluster(t, "ganeti.example.com"), newCluster(t, "ganeti.example.com")
	srvOld := startNoded(t, old, "127.0.0.1:0", answering(`[true,"old"]`))
	srvNew := startNoded(t, renewed, "127.0.0.1:0", answering(`[true,"new"]`))
	l := old.install(t, true)
	node := []*objects.Node{testNode("n1", "127.0.0.1")}
	cl := newClient(t, l, srvOld.port, Options{})
	require.NoError(t, cl.Call(context.Background(), "version", node, nil)["n1"].Err)

	// renew-crypto replaces both files.
	require.NoError(t, os.WriteFile(l.ServerCert+".tmp", renewed.serverPEM, 0o600))
	require.NoError(t, os.Rename(l.ServerCert+".tmp", l.ServerCert))
	require.NoError(t, os.WriteFile(l.ClientCert+".tmp", renewed.clientPEM, 0o600))
	require.NoError(t, os.Rename(l.ClientCert+".tmp", l.ClientCert))
	cl.port = srvNew.port
	res := cl.Call(context.Background(), "version", node, nil)
	require.NoError(t, res["n1"].Err)
	assert.JSONEq(t, `"new"`, string(res["n1"].Payload))

	require.NoError(t, os.Remove(l.ServerCert))
	res = cl.Call(context.Background(), "version", node, nil)
	require.Error(t, res["n1"].Err)
	assert.Len(t, srvNew.requests(), 1, "nothing is sent without certificates")
}

func TestNewFailsWithoutCertificates(t *testing.T) {
	l := newCluster(t, "x").install(t, true)
	require.NoError(t, os.Remove(l.ServerCert))
	_, err := New(l, Options{})
	require.Error(t, err)
	require.NoError(t, os.WriteFile(l.ServerCert, []byte("garbage"), 0o600))
	_, err = New(l, Options{})
	require.Error(t, err)
}

func TestLogsFailedNodes(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	srv := startNoded(t, c, "127.0.0.1:0", answering(`[false,"no"]`))
	var logs safeBuffer
	cl := newClient(t, c.install(t, true), srv.port, Options{Logger: newTextLogger(&logs)})
	off := testNode("off", "127.0.0.1")
	off.Offline = true
	cl.Call(context.Background(), "node_info", []*objects.Node{testNode("n1", "127.0.0.1"), off}, nil)
	assert.Contains(t, logs.String(), "n1.example.com")
	assert.Contains(t, logs.String(), "no")
	assert.NotContains(t, logs.String(), "off.example.com", "offline nodes are expected not to answer")
}

func TestErrorTexts(t *testing.T) {
	assert.EqualError(t, &RemoteError{Msg: "x"}, "Error response received from RPC server: x")
	assert.EqualError(t, &DecodeError{Msg: "x"}, "Error while decoding JSON from HTTP response: x")
	assert.EqualError(t, &TransportError{Err: fmt.Errorf("refused")}, "RPC transport error: refused")
}

func TestNodeWithoutAddress(t *testing.T) {
	c := newCluster(t, "ganeti.example.com")
	srv := startNoded(t, c, "127.0.0.1:0", answering(`[true,1]`))
	cl := newClient(t, c.install(t, true), srv.port, Options{})
	res := cl.Call(context.Background(), "version", []*objects.Node{testNode("n1", "")}, nil)
	var te *TransportError
	require.ErrorAs(t, res["n1"].Err, &te)
	assert.Empty(t, srv.requests())
}

func TestHangingNodesCostOneTimeout(t *testing.T) {
	const nodes, parallel = 40, 4
	c := newCluster(t, "ganeti.example.com")
	port := silentListener(t)
	timeout := 400 * time.Millisecond
	cl := newClient(t, c.install(t, true), port, Options{
		MaxParallel: parallel, ConnectTimeout: 10 * time.Second,
		Timeouts: map[string]time.Duration{"node_info": timeout},
	})
	var list []*objects.Node
	for i := range nodes {
		list = append(list, testNode("n"+strconv.Itoa(i), "127.0.0.1"))
	}
	start := time.Now()
	res := cl.Call(context.Background(), "node_info", list, nil)
	elapsed := time.Since(start)
	require.Len(t, res, nodes)
	for uuid, r := range res {
		assert.ErrorIs(t, r.Err, context.DeadlineExceeded, uuid)
	}
	assert.Less(t, elapsed, 3*timeout, "one timeout for the call, not one per wave of %d (%d waves)", parallel, nodes/parallel)
}

// Port is the port the client calls noded at.
func (c *Client) Port() int { return c.port }
