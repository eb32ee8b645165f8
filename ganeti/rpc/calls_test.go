package rpc

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/paths"
)

func TestVirtualPath(t *testing.T) {
	cases := []struct{ root, file, want string }{
		{"", "/var/lib/ganeti/queue/serial", "/var/lib/ganeti/queue/serial"},
		{"/tmp/vc/node1", "/tmp/vc/node1/var/lib/ganeti/queue/serial", "/###-VIRTUAL-PATH-###,/var/lib/ganeti/queue/serial"},
		{"/tmp/vc/node1/", "/tmp/vc/node1/var/lib/ganeti/queue/job-1", "/###-VIRTUAL-PATH-###,/var/lib/ganeti/queue/job-1"},
		{"/tmp/vc//node1", "/tmp/vc/node1/var/x", "/###-VIRTUAL-PATH-###,/var/x"},
		{"/tmp/vc/node1", "/tmp/vc/node1", "/###-VIRTUAL-PATH-###,/."},
		{"/tmp/vc/node1", "/tmp/vc/node10/var/x", "/tmp/vc/node10/var/x"},
		{"/tmp/vc/node1", "/etc/hosts", "/etc/hosts"},
		{"/", "/var/x", "/###-VIRTUAL-PATH-###,/var/x"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, VirtualPath(tc.root, tc.file), "root %q file %q", tc.root, tc.file)
	}
}

func TestEncodeContent(t *testing.T) {
	assert.Equal(t, []any{0, "1\n"}, EncodeContent([]byte("1\n")))
	short := strings.Repeat("x", 4095)
	assert.Equal(t, []any{0, short}, EncodeContent([]byte(short)))

	long := strings.Repeat("{\"id\":1}", 512) // 4096 bytes
	enc := EncodeContent([]byte(long))
	require.Len(t, enc, 2)
	assert.Equal(t, 1, enc[0])
	assert.Equal(t, long, inflate(t, enc[1].(string)))
}

// inflate undoes the encoding 1 of jobqueue_update.
func inflate(t *testing.T, data string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(data)
	require.NoError(t, err)
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	require.NoError(t, err)
	out, err := io.ReadAll(zr)
	require.NoError(t, err)
	return string(out)
}

// helperClient returns a client of a virtual cluster rooted at /vc/node1
// and a fake noded answering answer.
func helperClient(t *testing.T, answer func(*http.Request, []byte) (int, string)) (*Client, *fakeNoded) {
	t.Helper()
	c := newCluster(t, "ganeti.example.com")
	srv := startNoded(t, c, "127.0.0.1:0", answer)
	l := c.install(t, true)
	cl := newClient(t, l, srv.port, Options{})
	cl.root = "/vc/node1"
	return cl, srv
}

func TestJobqueueUpdate(t *testing.T) {
	cl, srv := helperClient(t, answering(`[true,null]`))
	l := paths.New("/vc/node1")
	nodes := []*objects.Node{testNode("n1", "127.0.0.1")}
	errs := cl.JobqueueUpdate(context.Background(), nodes, l.SerialFile, []byte("1\n"))
	assert.Equal(t, map[string]error{"n1": nil}, errs)
	long := strings.Repeat("a", 5000)
	cl.JobqueueUpdate(context.Background(), nodes, l.JobFile(1), []byte(long))

	reqs := srv.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "/jobqueue_update", reqs[0].Path)
	assert.Equal(t, `["/###-VIRTUAL-PATH-###,/var/lib/ganeti/queue/serial",[0,"1\n"]]`, reqs[0].Body)
	var body []json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(reqs[1].Body), &body))
	assert.JSONEq(t, `"/###-VIRTUAL-PATH-###,/var/lib/ganeti/queue/job-1"`, string(body[0]))
	var content []any
	require.NoError(t, json.Unmarshal(body[1], &content))
	assert.Equal(t, float64(1), content[0])
	assert.Equal(t, long, inflate(t, content[1].(string)))
}

func TestNullAnswersRequired(t *testing.T) {
	cl, _ := helperClient(t, answering(`[true,true]`))
	errs := cl.SetDrainFlag(context.Background(), []*objects.Node{testNode("n1", "127.0.0.1")}, true)
	var de *DecodeError
	require.ErrorAs(t, errs["n1"], &de)
	assert.Equal(t, "Expected JSNull, got true", de.Msg)
}

func TestJobqueueRename(t *testing.T) {
	answer := `[true,[null,null]]`
	cl, srv := helperClient(t, func(*http.Request, []byte) (int, string) { return 200, answer })
	nodes := []*objects.Node{testNode("n1", "127.0.0.1")}
	renames := [][2]string{
		{"/var/lib/ganeti/queue/job-1", "/var/lib/ganeti/queue/archive/0/job-1"},
		{"/var/lib/ganeti/queue/job-2", "/var/lib/ganeti/queue/archive/0/job-2"},
	}
	assert.Equal(t, map[string]error{"n1": nil}, cl.JobqueueRename(context.Background(), nodes, renames))
	assert.Equal(t, `[[["/var/lib/ganeti/queue/job-1","/var/lib/ganeti/queue/archive/0/job-1"],`+
		`["/var/lib/ganeti/queue/job-2","/var/lib/ganeti/queue/archive/0/job-2"]]]`, srv.requests()[0].Body,
		"paths outside the client's root stay as they are")

	answer = `[true,[null]]`
	errs := cl.JobqueueRename(context.Background(), nodes, renames)
	var de *DecodeError
	assert.ErrorAs(t, errs["n1"], &de)

	// Paths below the client's root (GANETI_ROOTDIR) are virtualised.
	l := paths.New("/vc/node1")
	cl.JobqueueRename(context.Background(), nodes, [][2]string{{l.JobFile(3), l.ArchivedJobFile(3)}})
	assert.Equal(t, `[[["/###-VIRTUAL-PATH-###,/var/lib/ganeti/queue/job-3",`+
		`"/###-VIRTUAL-PATH-###,/var/lib/ganeti/queue/archive/0/job-3"]]]`, srv.requests()[2].Body)
}

func TestSmallCalls(t *testing.T) {
	cl, srv := helperClient(t, answering(`[true,null]`))
	nodes := []*objects.Node{testNode("n1", "127.0.0.1")}
	ctx := context.Background()
	until := 1900000000.0
	half := 1.5
	assert.Equal(t, map[string]error{"n1": nil}, cl.SetDrainFlag(ctx, nodes, true))
	assert.Equal(t, map[string]error{"n1": nil}, cl.SetWatcherPause(ctx, nodes, &until))
	assert.Equal(t, map[string]error{"n1": nil}, cl.SetWatcherPause(ctx, nodes, nil))
	cl.SetWatcherPause(ctx, nodes, &half)
	reqs := srv.requests()
	require.Len(t, reqs, 4)
	got := make([]string, len(reqs))
	for i, r := range reqs {
		got[i] = r.Path + " " + r.Body
	}
	assert.Equal(t, []string{
		"/jobqueue_set_drain_flag [true]",
		"/set_watcher_pause [1900000000]",
		"/set_watcher_pause [null]",
		"/set_watcher_pause [1.5]",
	}, got)
}

func TestMasterNodeNameAndVersion(t *testing.T) {
	cl, srv := helperClient(t, func(r *http.Request, _ []byte) (int, string) {
		if r.URL.Path == "/version" {
			return 200, `[true,3000000]`
		}
		return 200, `[true,"node1.example.com"]`
	})
	nodes := []*objects.Node{testNode("n1", "127.0.0.1")}
	assert.Equal(t, map[string]Answer[string]{"n1": {Value: "node1.example.com"}}, cl.MasterNodeName(context.Background(), nodes))
	assert.Equal(t, map[string]Answer[int]{"n1": {Value: 3000000}}, cl.Version(context.Background(), nodes))
	for _, r := range srv.requests() {
		assert.Equal(t, "[]", r.Body)
	}

	bad, _ := helperClient(t, answering(`[true,5]`))
	var de *DecodeError
	assert.ErrorAs(t, bad.MasterNodeName(context.Background(), nodes)["n1"].Err, &de)
}

func TestCandidates(t *testing.T) {
	cfg := &objects.ConfigData{
		Cluster: &objects.Cluster{MasterNode: "m"},
		Nodes: map[string]*objects.Node{
			"m": {UUID: "m", MasterCandidate: true},
			"c": {UUID: "c", MasterCandidate: true},
			"a": {UUID: "a", MasterCandidate: true, Offline: true},
			"r": {UUID: "r"},
		},
	}
	uuids := func(ns []*objects.Node) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.UUID)
		}
		return out
	}
	assert.Equal(t, []string{"a", "c"}, uuids(Candidates(cfg, false)))
	assert.Equal(t, []string{"a", "c", "m"}, uuids(Candidates(cfg, true)))
}

func TestActivateMasterIP(t *testing.T) {
	cl, srv := helperClient(t, answering(`[true,null]`))
	master := testNode("n1", "127.0.0.1")
	params := MasterNetwork{UUID: "n1", IP: "127.0.0.10", Netmask: 32, Netdev: "eth0", IPFamily: 2}
	require.NoError(t, cl.ActivateMasterIP(context.Background(), master, params, false))
	reqs := srv.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/node_activate_master_ip", reqs[0].Path)
	assert.Equal(t, `[{"uuid":"n1","ip":"127.0.0.10","netmask":32,"netdev":"eth0","ip_family":2},false]`, reqs[0].Body)

	failing, _ := helperClient(t, answering(`[false,"no script"]`))
	var re *RemoteError
	assert.ErrorAs(t, failing.ActivateMasterIP(context.Background(), master, params, true), &re)
}
