package rpc

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"time"
)

// credentials are the client certificate and the cluster certificate,
// read again whenever one of their files changes.
type credentials struct {
	clientPath, caPath string

	mu sync.Mutex // guards the fields below
	// stamps identify the files last read: client (or its fallback),
	// then the cluster certificate.
	stamps [2]fileStamp
	cfg    *tls.Config
	err    error
}

// fileStamp tells whether a file changed.
type fileStamp struct {
	path  string
	ino   uint64
	size  int64
	mtime time.Time
}

func newCredentials(clientPath, caPath string) *credentials {
	return &credentials{clientPath: clientPath, caPath: caPath}
}

// stampOf stats path.
func stampOf(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	st := fileStamp{path: path, size: fi.Size(), mtime: fi.ModTime()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.ino = sys.Ino
	}
	return st, nil
}

// refresh reloads the files if they changed and returns the error of the
// current credentials.
func (c *credentials) refresh() error {
	client, err := stampOf(c.clientPath)
	if errors.Is(err, fs.ErrNotExist) {
		client, err = stampOf(c.caPath) // clusters upgraded from 2.10 lack client.pem
	}
	var ca fileStamp
	if err == nil {
		ca, err = stampOf(c.caPath)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.stamps, c.cfg, c.err = [2]fileStamp{}, nil, fmt.Errorf("rpc: reading certificates: %w", err)
		return c.err
	}
	if c.cfg != nil && c.stamps == [2]fileStamp{client, ca} {
		return nil
	}
	cfg, err := loadTLSConfig(client.path, ca.path)
	c.stamps, c.cfg, c.err = [2]fileStamp{client, ca}, cfg, err
	return err
}

// config returns the current TLS configuration.
func (c *credentials) config() (*tls.Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cfg == nil && c.err == nil {
		return nil, errors.New("rpc: certificates not loaded")
	}
	return c.cfg, c.err
}

// loadTLSConfig builds the client's TLS configuration: the PEM file at
// clientPath holds the client's key and certificate, the one at caPath the
// cluster certificate the node's certificate must chain to.
func loadTLSConfig(clientPath, caPath string) (*tls.Config, error) {
	clientPEM, err := os.ReadFile(clientPath)
	if err != nil {
		return nil, fmt.Errorf("rpc: reading the client certificate: %w", err)
	}
	cert, err := tls.X509KeyPair(clientPEM, clientPEM)
	if err != nil {
		return nil, fmt.Errorf("rpc: client certificate %s: %w", clientPath, err)
	}
	caPEM, err := os.ReadFile(caPath)
	if err != nil {
		return nil, fmt.Errorf("rpc: reading the cluster certificate: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("rpc: no certificate in %s", caPath)
	}
	return &tls.Config{
		// Any certificate chaining to the cluster certificate is accepted,
		// whatever its host name: verifyChain replaces Go's verification.
		InsecureSkipVerify: true, //nolint:gosec // see verifyChain
		VerifyConnection:   func(cs tls.ConnectionState) error { return verifyChain(cs, roots) },
		// Like curl, present the certificate whatever CAs the node names.
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil },
		MinVersion:           tls.VersionTLS12,
	}, nil
}

// verifyChain checks that the node's certificate chains to roots, without
// looking at host names or key usages.
func verifyChain(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("rpc: the node presented no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return fmt.Errorf("rpc: node certificate: %w", err)
	}
	return nil
}
