package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// Certificate parameters as Ganeti's bootstrap code chooses them.
const (
	certCommonName = "ganeti.example.com"
	certValidity   = 1825 * 24 * time.Hour
	rsaKeyBits     = 2048
)

// clusterCrypto is the key material of a cluster. The PEM files hold the
// private key followed by the certificate, which is the layout Ganeti's
// noded, RPC clients and the Haskell daemons read.
type clusterCrypto struct {
	server  []byte // server.pem: self-signed cluster certificate (RPC CA)
	client  []byte // client.pem: the node's RPC client cert, signed by server
	rapi    []byte // rapi.pem: self-signed
	spice   []byte // spice.pem: self-signed
	spiceCA []byte // spice-ca.pem: spice's certificate alone
	// clientDigest is the SHA-1 fingerprint of client.pem's certificate in
	// OpenSSL's notation; noded accepts RPC clients whose digest is in the
	// config's candidate_certs.
	clientDigest string
	// clients are the client certificates of every node, in the order of
	// the host names asked for; client and clientDigest are the first's.
	clients []nodeCert
	// hmacKey and domainSecret are hmac.key and cluster-domain-secret,
	// the same on every node.
	hmacKey, domainSecret string
}

// nodeCert is one node's client.pem and its certificate's digest.
type nodeCert struct {
	pem    []byte
	digest string
}

// RPCCertificates returns the server.pem and client.pem of a fresh
// single-node cluster whose node is hostname: the self-signed cluster
// certificate that noded presents and RPC clients trust, and the node's
// client certificate signed by it, each with its private key.
func RPCCertificates(hostname string) (server, client []byte, err error) {
	c, err := generateCrypto(hostname, time.Now())
	if err != nil {
		return nil, nil, err
	}
	return c.server, c.client, nil
}

// generateCrypto makes fresh keys and certificates for node hostname.
func generateCrypto(hostname string, now time.Time) (*clusterCrypto, error) {
	return generateClusterCrypto([]string{hostname}, now)
}

// generateClusterCrypto makes fresh keys and certificates for a cluster of
// the named nodes: one cluster certificate, and a client certificate per
// node signed by it, as each node of a real cluster has its own.
func generateClusterCrypto(hostnames []string, now time.Time) (*clusterCrypto, error) {
	keys, err := generateKeys(3 + len(hostnames))
	if err != nil {
		return nil, err
	}
	serverKey, rapiKey, spiceKey := keys[0], keys[1], keys[2]

	serverTmpl := certTemplate(certCommonName, 1, now)
	serverTmpl.IsCA = true
	serverTmpl.BasicConstraintsValid = true
	serverTmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	serverDER, err := x509.CreateCertificate(rand.Reader, serverTmpl, serverTmpl, &serverKey.PublicKey, serverKey)
	if err != nil {
		return nil, fmt.Errorf("create cluster certificate: %w", err)
	}
	c := &clusterCrypto{}
	if c.server, err = keyAndCert(serverKey, serverDER); err != nil {
		return nil, err
	}

	for i, hostname := range hostnames {
		clientTmpl := certTemplate(hostname, now.Unix()+int64(i), now)
		clientKey := keys[3+i]
		clientDER, err := x509.CreateCertificate(rand.Reader, clientTmpl, serverTmpl, &clientKey.PublicKey, serverKey)
		if err != nil {
			return nil, fmt.Errorf("create client certificate: %w", err)
		}
		client, err := keyAndCert(clientKey, clientDER)
		if err != nil {
			return nil, err
		}
		c.clients = append(c.clients, nodeCert{pem: client, digest: sha1Digest(clientDER)})
	}
	c.client, c.clientDigest = c.clients[0].pem, c.clients[0].digest
	if c.hmacKey, err = secret(); err != nil {
		return nil, err
	}
	if c.domainSecret, err = secret(); err != nil {
		return nil, err
	}

	if c.rapi, _, err = selfSigned(rapiKey, now); err != nil {
		return nil, err
	}
	var spiceDER []byte
	if c.spice, spiceDER, err = selfSigned(spiceKey, now); err != nil {
		return nil, err
	}
	c.spiceCA = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: spiceDER})
	return c, nil
}

// generateKeys makes n RSA keys in parallel; key generation dominates the
// cost of the setup.
func generateKeys(n int) ([]*rsa.PrivateKey, error) {
	keys := make([]*rsa.PrivateKey, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() { keys[i], errs[i] = rsa.GenerateKey(rand.Reader, rsaKeyBits) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("generate RSA key: %w", err)
		}
	}
	return keys, nil
}

func certTemplate(cn string, serial int64, now time.Time) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:       big.NewInt(serial),
		Subject:            pkix.Name{CommonName: cn},
		NotBefore:          now,
		NotAfter:           now.Add(certValidity),
		SignatureAlgorithm: x509.SHA256WithRSA,
	}
}

// selfSigned returns the PEM file and the certificate's DER for key.
func selfSigned(key *rsa.PrivateKey, now time.Time) (pemFile, der []byte, err error) {
	tmpl := certTemplate(certCommonName, 1, now)
	der, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create self-signed certificate: %w", err)
	}
	pemFile, err = keyAndCert(key, der)
	return pemFile, der, err
}

// keyAndCert encodes key (PKCS#8) and certificate into one PEM file.
func keyAndCert(key *rsa.PrivateKey, certDER []byte) ([]byte, error) {
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER})...), nil
}

// sha1Digest formats the SHA-1 of der as OpenSSL does: upper-case hex bytes
// joined by colons.
func sha1Digest(der []byte) string {
	sum := sha1.Sum(der)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = strings.ToUpper(hex.EncodeToString([]byte{b}))
	}
	return strings.Join(parts, ":")
}

// secret returns a random hex string of 20 bytes plus a newline, the format
// of Ganeti's hmac.key and cluster-domain-secret.
func secret() (string, error) {
	buf := make([]byte, 20)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("generate secret: %w", err)
	}
	return hex.EncodeToString(buf) + "\n", nil
}
