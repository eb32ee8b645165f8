package sandbox

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const masterUUID = "9a12d554-75c0-4cb1-8064-103365145db0"

func decodeConfig(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var cfg map[string]any
	require.NoError(t, json.Unmarshal(raw, &cfg))
	return cfg
}

func TestPatchConfigSetsNodeAndCerts(t *testing.T) {
	out, masterIP, err := patchConfig(demoConfig, configPatch{
		Hostname: "nodeX.example.com", NodeIP: "127.0.100.7", ClientDigest: "AA:BB",
	})
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.2", masterIP)
	cfg := decodeConfig(t, out)
	master := cfg["nodes"].(map[string]any)[masterUUID].(map[string]any)
	assert.Equal(t, "nodeX.example.com", master["name"])
	assert.Equal(t, "127.0.100.7", master["primary_ip"])
	assert.Equal(t, "127.0.100.7", master["secondary_ip"])
	cluster := cfg["cluster"].(map[string]any)
	assert.Equal(t, map[string]any{masterUUID: "AA:BB"}, cluster["candidate_certs"])
	assert.Equal(t, "127.0.0.2", cluster["master_ip"])
}

func TestPatchConfigMovesCollidingMasterIP(t *testing.T) {
	out, masterIP, err := patchConfig(demoConfig, configPatch{Hostname: DefaultHostname, NodeIP: "127.0.0.2"})
	require.NoError(t, err)
	assert.Equal(t, fallbackMasterIP, masterIP)
	assert.Equal(t, fallbackMasterIP, decodeConfig(t, out)["cluster"].(map[string]any)["master_ip"])
}

// The rest of the config must come through unchanged, floats written as
// "5000000.0" included: the Python clients print them differently from ints.
func TestPatchConfigKeepsEverythingElse(t *testing.T) {
	out, _, err := patchConfig(demoConfig, configPatch{Hostname: DefaultHostname, NodeIP: DefaultNodeIP, ClientDigest: "X"})
	require.NoError(t, err)
	assert.Contains(t, string(out), `"interval":5000000.0`)
	got, want := decodeConfig(t, out), decodeConfig(t, demoConfig)
	want["cluster"].(map[string]any)["candidate_certs"] = map[string]any{masterUUID: "X"}
	assert.Equal(t, want, got)
}

func parsePEMFile(t *testing.T, data []byte) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	keyBlock, rest := pem.Decode(data)
	require.NotNil(t, keyBlock)
	require.Equal(t, "PRIVATE KEY", keyBlock.Type)
	certBlock, rest := pem.Decode(rest)
	require.NotNil(t, certBlock)
	require.Equal(t, "CERTIFICATE", certBlock.Type)
	require.Empty(t, rest)
	key, err := x509.ParsePKCS8PrivateKey(keyBlock.Bytes)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(certBlock.Bytes)
	require.NoError(t, err)
	rsaKey := key.(*rsa.PrivateKey)
	require.True(t, rsaKey.PublicKey.Equal(cert.PublicKey), "key and certificate do not match")
	return rsaKey, cert
}

func TestGenerateCrypto(t *testing.T) {
	now := time.Now()
	c, err := generateCrypto("node1.example.com", now)
	require.NoError(t, err)

	serverKey, server := parsePEMFile(t, c.server)
	assert.Equal(t, rsaKeyBits, serverKey.N.BitLen())
	assert.Equal(t, certCommonName, server.Subject.CommonName)
	require.NoError(t, server.CheckSignatureFrom(server), "server.pem must be self-signed")

	_, client := parsePEMFile(t, c.client)
	assert.Equal(t, "node1.example.com", client.Subject.CommonName)
	require.NoError(t, client.CheckSignatureFrom(server), "client.pem must be signed by server.pem")
	assert.Equal(t, sha1Digest(client.Raw), c.clientDigest)
	assert.Regexp(t, `^([0-9A-F]{2}:){19}[0-9A-F]{2}$`, c.clientDigest)

	_, spice := parsePEMFile(t, c.spice)
	assert.Equal(t, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: spice.Raw})), string(c.spiceCA))
	parsePEMFile(t, c.rapi)
	assert.WithinDuration(t, now.Add(certValidity), server.NotAfter, time.Second)
}

func TestSecretFormat(t *testing.T) {
	s, err := secret()
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f]{40}\n$`, s)
}

func TestProcNetAddr(t *testing.T) {
	got := procNetAddr("127.0.0.1", 1811)
	want := "7F000001:0713"
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 { // little-endian
		want = "0100007F:0713"
	}
	assert.Equal(t, want, got)
}

func TestNewStateDefaultsAndChecks(t *testing.T) {
	st, err := newState(Options{})
	require.NoError(t, err)
	assert.Equal(t, DefaultHostname, st.Hostname)
	assert.Equal(t, DefaultNodeIP, st.NodeIP)
	assert.Equal(t, ProbeLUXI, st.Probe)
	assert.Equal(t, DefaultStartTimeout, st.StartTimeout)
	assert.Equal(t, DefaultStopTimeout, st.StopTimeout)

	for _, bad := range []Options{
		{NodeIP: "192.0.2.1"},
		{NodeIP: "::1"},
		{Probe: "ping"},
		{Hostname: "a/b"},
	} {
		_, err := newState(bad)
		assert.Error(t, err, "%+v", bad)
	}
}

func TestNewRejectsLongDir(t *testing.T) {
	_, err := New(Options{Dir: "/tmp/" + strings.Repeat("d", 80)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unix sockets allow 107")
}

func TestCommandLines(t *testing.T) {
	assert.Equal(t, []string{"/usr/lib/ganeti/" + Ganeti.Dir + "/usr/sbin/ganeti-luxid", "-f", "--no-user-checks", "--no-voting", "--yes-do-it"},
		HaskellLuxid())
	assert.Equal(t, []string{"/x/goluxid", "-f", "--no-user-checks", "--no-voting", "--yes-do-it"}, GoLuxid("/x/goluxid"))
}

func TestPatchClusterConfig(t *testing.T) {
	out, masterIP, err := patchClusterConfig(demoConfig, []clusterNode{
		{Name: "node1.example.com", IP: "127.0.100.1", Candidate: true, ClientDigest: "D1"},
		{Name: "node2.example.com", IP: "127.0.100.2", Candidate: true, ClientDigest: "D2"},
		{Name: "node3.example.com", IP: "127.0.0.2", ClientDigest: "D3"},
	})
	require.NoError(t, err)
	assert.Equal(t, fallbackMasterIP, masterIP, "node3 took the master IP")
	cfg := decodeConfig(t, out)
	cluster := cfg["cluster"].(map[string]any)
	assert.Equal(t, fallbackMasterIP, cluster["master_ip"])
	assert.EqualValues(t, 2, cluster["candidate_pool_size"])
	nodes := cfg["nodes"].(map[string]any)
	certs := map[string]any{}
	for uuid, n := range nodes {
		node := n.(map[string]any)
		assert.Equal(t, false, node["offline"], node["name"])
		assert.Equal(t, node["primary_ip"], node["secondary_ip"])
		if node["master_candidate"] == true {
			certs[uuid] = map[string]string{"node1.example.com": "D1", "node2.example.com": "D2"}[node["name"].(string)]
		}
	}
	assert.Equal(t, certs, cluster["candidate_certs"])
	assert.Len(t, certs, 2)

	_, _, err = patchClusterConfig(demoConfig, []clusterNode{{Name: "node9.example.com", IP: "127.0.100.9"}})
	assert.ErrorContains(t, err, "node9")
}

func TestGenerateClusterCrypto(t *testing.T) {
	c, err := generateClusterCrypto([]string{"a.example.com", "b.example.com"}, time.Now())
	require.NoError(t, err)
	_, server := parsePEMFile(t, c.server)
	require.Len(t, c.clients, 2)
	for i, name := range []string{"a.example.com", "b.example.com"} {
		_, client := parsePEMFile(t, c.clients[i].pem)
		assert.Equal(t, name, client.Subject.CommonName)
		require.NoError(t, client.CheckSignatureFrom(server))
		assert.Equal(t, sha1Digest(client.Raw), c.clients[i].digest)
	}
	assert.NotEqual(t, c.clients[0].digest, c.clients[1].digest)
	assert.Equal(t, c.clients[0].pem, c.client)
	assert.Regexp(t, `^[0-9a-f]{40}\n$`, c.hmacKey)
}

func TestLayNodeFiles(t *testing.T) {
	root := t.TempDir()
	queue := filepath.Join(root, "var/lib/ganeti/queue")
	require.NoError(t, os.MkdirAll(queue, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(queue, "serial"), []byte("0\n"), 0o600))
	s := newSandbox(t.TempDir(), state{Root: root})
	s.nodeFiles = []NodeFile{
		{Path: "var/lib/ganeti/queue/serial", Data: []byte("30\n")},
		{Path: "var/lib/ganeti/queue/archive/0/job-5", Data: []byte(`{"id": 5}`)},
	}
	require.NoError(t, s.layNodeFiles())
	for _, f := range s.nodeFiles {
		data, err := os.ReadFile(filepath.Join(root, f.Path))
		require.NoError(t, err)
		assert.Equal(t, string(f.Data), string(data), f.Path)
	}
	st, err := os.Stat(filepath.Join(queue, "archive/0/job-5"))
	require.NoError(t, err)
	assert.Zero(t, st.Mode()&^nodeFileMode, "no permission beyond 0640")
	st, err = os.Stat(filepath.Join(queue, "archive/0"))
	require.NoError(t, err)
	assert.True(t, st.IsDir())
	assert.Zero(t, st.Mode().Perm()&^nodeFileDirMode, "no permission beyond 0750")

	for _, bad := range []string{"/etc/passwd", "../outside", ""} {
		s.nodeFiles = []NodeFile{{Path: bad}}
		assert.ErrorContains(t, s.layNodeFiles(), "not a relative path", bad)
	}
}
