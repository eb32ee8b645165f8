package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"time"
)

// nodedPort is noded's TCP port.
const nodedPort = 1811

// probeTimeout bounds a single readiness probe.
const probeTimeout = 2 * time.Second

// luxiProbe is a complete LUXI request: the query every luxid answers once
// it has loaded the config, followed by the message terminator.
var luxiProbe = []byte(`{"method":"QueryConfigValues","args":[["cluster_name"]]}` + "\x03")

// probeSocket succeeds when the unix socket at path accepts a connection.
func probeSocket(ctx context.Context, path string) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return err
	}
	return conn.Close()
}

// probeLUXI succeeds when the luxid at path answers the probe request with
// success.
func probeLUXI(ctx context.Context, path string) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline) // a failure shows up as a read error
	}
	if _, err := conn.Write(luxiProbe); err != nil {
		return fmt.Errorf("send LUXI probe: %w", err)
	}
	reply, err := bufio.NewReader(conn).ReadBytes(0x03)
	if err != nil {
		return fmt.Errorf("read LUXI reply: %w", err)
	}
	if !bytes.Contains(reply, []byte(`"success":true`)) {
		return fmt.Errorf("LUXI probe failed: %s", bytes.TrimSuffix(reply, []byte{0x03}))
	}
	return nil
}

// tcpListening reports whether a TCP socket listens on ip:port or on the
// wildcard address at that port. It reads /proc/net/tcp instead of
// connecting, because noded logs every connection that does not complete a
// TLS handshake.
func tcpListening(ip string, port int) (bool, error) {
	want := map[string]bool{procNetAddr(ip, port): true, procNetAddr("0.0.0.0", port): true}
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return false, fmt.Errorf("read listening sockets: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		const listen = "0A"
		if len(fields) > 3 && want[fields[1]] && fields[3] == listen {
			return true, nil
		}
	}
	if err := sc.Err(); err != nil {
		return false, fmt.Errorf("read listening sockets: %w", err)
	}
	return false, nil
}

// procNetAddr formats an IPv4 address and port as /proc/net/tcp does: the
// address as a native-endian 32-bit hex number.
func procNetAddr(ip string, port int) string {
	v4 := net.ParseIP(ip).To4()
	if v4 == nil {
		return ""
	}
	return fmt.Sprintf("%08X:%04X", binary.NativeEndian.Uint32(v4), port)
}

// FreeNodedIP returns the first loopback address, 127.0.0.1 and then
// 127.0.100.1 to 127.0.100.254, on which noded's port is free, for
// sandboxes with noded that run next to others.
func FreeNodedIP() (string, error) {
	// Start at a random address so that sandboxes set up at the same
	// moment rarely pick the same one.
	start := rand.IntN(254)
	var candidates []string
	for i := range 254 {
		candidates = append(candidates, fmt.Sprintf("127.0.100.%d", 1+(start+i)%254))
	}
	for _, ip := range candidates {
		busy, err := tcpListening(ip, nodedPort)
		if err != nil {
			return "", err
		}
		if !busy {
			return ip, nil
		}
	}
	return "", errors.New("no loopback address with a free noded port")
}
