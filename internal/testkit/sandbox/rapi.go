package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// The RAPI user StartRAPI writes into the RAPI users file, with write
// access. Only loopback clients ever reach a sandbox's RAPI daemon.
const (
	RAPIUser     = "sandbox"
	RAPIPassword = "sandbox-rapi-secret"
)

// StartRAPI starts Ganeti's RAPI daemon (ganeti-rapi, HTTPS with the
// sandbox's rapi.pem) on the node's address at a free port, with one user
// (RAPIUser) allowed to write, and returns the port once it listens. Stop
// ends it with the other daemons.
func (s *Sandbox) StartRAPI(ctx context.Context) (int, error) {
	if err := s.runningErr(RAPI); err != nil {
		return 0, err
	}
	cred, err := UserCredential(rapiUser)
	if err != nil {
		return 0, fmt.Errorf("start rapi: %w", err)
	}
	if err := s.writeRAPIUsers(cred); err != nil {
		return 0, err
	}
	port, err := freePort(s.st.NodeIP)
	if err != nil {
		return 0, fmt.Errorf("start rapi: %w", err)
	}
	argv := []string{Python, filepath.Join(PythonShare, "ganeti-rapi"), "-f", "-b", s.st.NodeIP, "-p", strconv.Itoa(port)}
	d, err := s.startDaemonAs(RAPI, argv, cred)
	if err != nil {
		return 0, err
	}
	err = s.waitReady(ctx, d, "listening on its port", func(context.Context) error {
		ok, err := tcpListening(s.st.NodeIP, port)
		if err == nil && !ok {
			err = errors.New("not listening yet")
		}
		return err
	})
	return port, err
}

// rapiUser is the system user Ganeti's RAPI daemon must run as (it
// refuses any other).
const rapiUser = "gnt-rapi"

// writeRAPIUsers writes the RAPI users file with RAPIUser, readable by the
// daemon's user.
func (s *Sandbox) writeRAPIUsers(cred *syscall.Credential) error {
	dir := filepath.Join(s.layout.DataDir, "rapi")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("rapi users file: %w", err)
	}
	file := filepath.Join(dir, "users")
	line := RAPIUser + " " + RAPIPassword + " write\n"
	if err := os.WriteFile(file, []byte(line), 0o640); err != nil {
		return fmt.Errorf("rapi users file: %w", err)
	}
	for _, p := range []string{dir, file} {
		if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
			return fmt.Errorf("rapi users file: %w", err)
		}
	}
	return nil
}

// UserCredential is the uid, primary gid and supplementary groups of the
// system user name.
func UserCredential(name string) (*syscall.Credential, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, err
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	groupIDs, err := u.GroupIds()
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	for _, g := range groupIDs {
		if n, err := strconv.ParseUint(g, 10, 32); err == nil {
			cred.Groups = append(cred.Groups, uint32(n))
		}
	}
	return cred, nil
}

// freePort returns a TCP port nothing listens on at ip right now.
func freePort(ip string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
