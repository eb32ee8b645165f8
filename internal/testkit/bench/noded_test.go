package bench

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/ganeti/rpc"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// The query benchmarks' dispatchers reach the node daemons as goluxid
// does, through an rpc.Client over TLS. The master's noded is a stand-in:
// this test binary run again (TestMain), so that its allocations stay out
// of the benchmarks' figures. It listens on the master's primary address
// on a free port, prints the port on a line of its own, answers node_info
// and all_instances_info with the figures below as Ganeti's noded shapes
// them, and exits when its standard input closes. The other nodes of the
// generated clusters are offline and never contacted.

// standInEnv names the node root of the stand-in the test binary is to
// run instead of the tests.
const standInEnv = "LUXIBENCH_NODED_STANDIN"

// standInHVVersion is the hypervisor version the stand-in reports.
var standInHVVersion = []int{2, 12, 0}

// What the stand-in reports of its node and of the instances it runs.
const (
	standInBootID         = "0b6e1f3c-5d2a-4c8e-9f71-2a3b4c5d6e7f"
	standInMemoryTotal    = 65536 // MiB
	standInMemoryFree     = 40960
	standInMemoryDom0     = 2048
	standInCPUs           = 16
	standInStorageSize    = 1048576 // MiB of a volume group or file storage
	standInStorageFree    = 786432
	standInInstanceMemory = 1536
	standInInstanceVCPUs  = 2
)

// connectNoded gives n's dispatchers an RPC client of the node daemons,
// with the cluster's certificates in the node root, and runs the master's
// stand-in noded for the rest of the benchmark.
func (n *benchNode) connectNoded(b *testing.B) {
	b.Helper()
	snap, err := n.store.Snapshot()
	require.NoError(b, err)
	master := snap.Data.MasterNode()
	require.NotNil(b, master)
	server, client, err := sandbox.RPCCertificates(master.Name)
	require.NoError(b, err)
	require.NoError(b, os.WriteFile(n.layout.ServerCert, server, 0o600))
	require.NoError(b, os.WriteFile(n.layout.ClientCert, client, 0o600))
	port := startStandIn(b, n.layout)
	n.noded, err = rpc.New(n.layout, rpc.Options{Port: port})
	require.NoError(b, err)
}

// startStandIn runs the stand-in noded of the node root l until the
// benchmark ends and returns its port.
func startStandIn(b *testing.B, l *paths.Layout) int {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), standInEnv+"="+l.Root)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(b, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(b, err)
	require.NoError(b, cmd.Start())
	b.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			b.Errorf("stand-in noded: %v", err)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(b, err, "stand-in noded's port")
	port, err := strconv.Atoi(strings.TrimSpace(line))
	require.NoError(b, err, "stand-in noded's port")
	return port
}

// serveStandIn is the stand-in noded of the node root root: it serves
// until its standard input closes and returns the exit status.
func serveStandIn(root string) int {
	if err := runStandIn(paths.New(root)); err != nil {
		fmt.Fprintln(os.Stderr, "stand-in noded:", err)
		return 1
	}
	return 0
}

// runStandIn serves the master node of l's config.data on its primary
// address, which must be a loopback one, with l's cluster certificate, requiring client certificates
// signed by it as noded does.
func runStandIn(l *paths.Layout) error {
	data, err := os.ReadFile(l.ConfigFile)
	if err != nil {
		return err
	}
	cfg, err := objects.Parse(data, release.Ganeti30.ConfigVersion)
	if err != nil {
		return err
	}
	master := cfg.MasterNode()
	if master == nil {
		return errors.New("the config names no master node")
	}
	if ip := net.ParseIP(master.PrimaryIP); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("the master's address %q is not a loopback address", master.PrimaryIP)
	}
	tlsConfig, err := standInTLS(l.ServerCert)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(master.PrimaryIP, "0"))
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: &standIn{cfg: cfg, node: master}, TLSConfig: tlsConfig,
		ErrorLog: log.New(io.Discard, "", 0)}
	served := make(chan error, 1)
	go func() { served <- srv.ServeTLS(ln, "", "") }()
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	_, _ = io.Copy(io.Discard, os.Stdin)
	srv.Close()
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// standInTLS presents the cluster certificate in serverPEM and accepts
// clients whose certificate it signed.
func standInTLS(serverPEM string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(serverPEM, serverPEM)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs: pool}, nil
}

// standIn answers the procedures of queries as node's noded would.
type standIn struct {
	cfg  *objects.ConfigData
	node *objects.Node
}

// ServeHTTP answers [true, payload], or [false, message] for a request
// it cannot serve.
func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	answer := []any{false, ""}
	body, err := io.ReadAll(r.Body)
	if err == nil {
		answer[1], err = s.payload(strings.TrimPrefix(r.URL.Path, "/"), body)
	}
	if err == nil {
		answer[0] = true
	} else {
		answer[1] = err.Error()
	}
	_ = json.NewEncoder(w).Encode(answer) // a client gone is noded's loss alone
}

// payload answers procedure with body.
func (s *standIn) payload(procedure string, body []byte) (any, error) {
	switch procedure {
	case "node_info":
		return s.nodeInfo(body)
	case "all_instances_info":
		return s.allInstancesInfo(body)
	}
	return nil, fmt.Errorf("the stand-in serves no %s", procedure)
}

// nodeInfo answers [storage units, hypervisors] with [boot id, the space
// of each unit, the node as each hypervisor sees it]. Without exclusive
// storage a volume group has no spindles to report, so they are 0.
func (s *standIn) nodeInfo(body []byte) (any, error) {
	var units, hvs []json.RawMessage
	if err := json.Unmarshal(body, &[]any{&units, &hvs}); err != nil {
		return nil, fmt.Errorf("node_info request: %w", err)
	}
	storage := []map[string]any{}
	for _, unit := range units {
		var typ, key string
		var params []bool
		if err := json.Unmarshal(unit, &[]any{&typ, &key, &params}); err != nil {
			return nil, fmt.Errorf("node_info storage unit %s: %w", unit, err)
		}
		free, size := standInStorageFree, standInStorageSize
		if typ == "lvm-pv" && !slices.Contains(params, true) {
			free, size = 0, 0
		}
		storage = append(storage, map[string]any{"type": typ, "name": key, "storage_free": free, "storage_size": size})
	}
	hvInfos := []map[string]any{}
	for _, hv := range hvs {
		var name string
		if err := json.Unmarshal(hv, &[]any{&name, nil}); err != nil {
			return nil, fmt.Errorf("node_info hypervisor %s: %w", hv, err)
		}
		info := map[string]any{
			"memory_total": standInMemoryTotal, "memory_free": standInMemoryFree, "memory_dom0": standInMemoryDom0,
			"cpu_total": standInCPUs, "cpu_dom0": standInCPUs, "cpu_nodes": 1, "cpu_sockets": 1,
		}
		if name != "fake" { // the real hypervisors report their version
			info["hv_version"] = standInHVVersion
		}
		hvInfos = append(hvInfos, info)
	}
	return []any{standInBootID, storage, hvInfos}, nil
}

// allInstancesInfo answers [hypervisors, their parameters] with the
// instances of those hypervisors that have this node as primary and are
// up, by name, each running.
func (s *standIn) allInstancesInfo(body []byte) (any, error) {
	var hvs []string
	if err := json.Unmarshal(body, &[]any{&hvs, nil}); err != nil {
		return nil, fmt.Errorf("all_instances_info request: %w", err)
	}
	running := map[string]any{}
	for _, inst := range s.cfg.Instances {
		if inst.PrimaryNode == s.node.UUID && inst.AdminState == objects.AdminUp && slices.Contains(hvs, inst.Hypervisor) {
			running[inst.Name] = map[string]any{"memory": standInInstanceMemory, "vcpus": standInInstanceVCPUs,
				"state": 0, "time": 0}
		}
	}
	return running, nil
}
