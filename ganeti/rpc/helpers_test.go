package rpc

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/paths"
)

// cluster is the key material of a test cluster: the cluster certificate
// (server.pem, also noded's certificate) and a client certificate it
// signed (client.pem).
type cluster struct {
	caKey  *ecdsa.PrivateKey
	ca     *x509.Certificate
	server tls.Certificate
	pool   *x509.CertPool
	// serverPEM and clientPEM are the files' contents (key, then cert).
	serverPEM, clientPEM []byte
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return key
}

// pemOf returns key and certificate DER as one PEM file.
func pemOf(t *testing.T, key *ecdsa.PrivateKey, der []byte) []byte {
	t.Helper()
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	out := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
}

// newCluster makes a cluster certificate with common name cn and no
// subject alternative names, as Ganeti's are, and a client certificate.
func newCluster(t *testing.T, cn string) *cluster {
	t.Helper()
	now := time.Now()
	caKey := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	c := &cluster{caKey: caKey, ca: ca, pool: x509.NewCertPool()}
	c.pool.AddCert(ca)
	c.serverPEM = pemOf(t, caKey, caDER)
	c.server, err = tls.X509KeyPair(c.serverPEM, c.serverPEM)
	require.NoError(t, err)

	clientKey := newKey(t)
	ctmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano() + 1),
		Subject:      pkix.Name{CommonName: "node1.example.com"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(time.Hour),
	}
	clientDER, err := x509.CreateCertificate(rand.Reader, ctmpl, ca, &clientKey.PublicKey, caKey)
	require.NoError(t, err)
	c.clientPEM = pemOf(t, clientKey, clientDER)
	return c
}

// install writes the cluster's files into a new node root and returns its
// layout; without client, client.pem is not written.
func (c *cluster) install(t *testing.T, client bool) *paths.Layout {
	t.Helper()
	l := paths.New(t.TempDir())
	require.NoError(t, os.MkdirAll(l.DataDir, 0o755))
	require.NoError(t, os.WriteFile(l.ServerCert, c.serverPEM, 0o600))
	if client {
		require.NoError(t, os.WriteFile(l.ClientCert, c.clientPEM, 0o600))
	}
	return l
}

// request is what a fake noded received.
type request struct {
	Method, Path string
	Header       http.Header
	Body         string
}

// fakeNoded is an HTTPS server that requires client certificates of its
// cluster, records requests and answers with answer.
type fakeNoded struct {
	srv  *httptest.Server
	port int

	mu   sync.Mutex // guards reqs
	reqs []request
}

// startNoded starts a fake noded on addr ("127.0.0.1:0", "[::1]:0").
func startNoded(t *testing.T, c *cluster, addr string, answer func(r *http.Request, body []byte) (int, string)) *fakeNoded {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	f := &fakeNoded{}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: string(body)})
		f.mu.Unlock()
		code, text := answer(r, body)
		w.WriteHeader(code)
		_, _ = io.WriteString(w, text)
	}))
	f.srv.Listener.Close()
	f.srv.Listener = ln
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	f.srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{c.server},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    c.pool,
	}
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	_, port, err := net.SplitHostPort(ln.Addr().String())
	require.NoError(t, err)
	f.port, err = strconv.Atoi(port)
	require.NoError(t, err)
	return f
}

// requests returns what the server received so far.
func (f *fakeNoded) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

// answering returns a handler answering text with status 200.
func answering(text string) func(*http.Request, []byte) (int, string) {
	return func(*http.Request, []byte) (int, string) { return http.StatusOK, text }
}

// testNode is an online node at ip.
func testNode(uuid, ip string) *objects.Node {
	return &objects.Node{UUID: uuid, Name: uuid + ".example.com", PrimaryIP: ip}
}

// newClient returns a client of layout calling port.
func newClient(t *testing.T, l *paths.Layout, port int, opts Options) *Client {
	t.Helper()
	opts.Port = port
	c, err := New(l, opts)
	require.NoError(t, err)
	return c
}

// jsonRaw is a raw JSON body.
func jsonRaw(s string) json.RawMessage { return json.RawMessage(s) }

// safeBuffer is a bytes.Buffer safe for concurrent writes.
type safeBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTextLogger logs text to w.
func newTextLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
