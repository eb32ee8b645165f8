package main

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

// connectScript tries to connect to the Unix socket in argv[1] and prints
// "connected" or the errno's name.
const connectScript = `
import errno, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1])
    print("connected")
except OSError as err:
    print(errno.errorcode.get(err.errno, err.errno))
`

// connectAs runs connectScript as the system user name.
func connectAs(t *testing.T, name, socket string) string {
	t.Helper()
	u, err := user.Lookup(name)
	require.NoError(t, err)
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	groups, err := u.GroupIds()
	require.NoError(t, err)
	for _, g := range groups {
		n, _ := strconv.ParseUint(g, 10, 32)
		cred.Groups = append(cred.Groups, uint32(n))
	}
	cmd := exec.Command("/usr/bin/python3", "-c", connectScript, socket)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	return strings.TrimSpace(string(out))
}

// TestOnlyGanetiGroupsConnect checks the socket's owner, group and mode
// in practice: a user outside Ganeti's groups is refused by the kernel, a
// member of gnt-daemons (the RAPI daemon's user) gets in.
func TestOnlyGanetiGroupsConnect(t *testing.T) {
	requireGanetiUsers(t)
	if _, err := user.Lookup("nobody"); err != nil {
		prereq.Missing(t, "needs the user nobody: %v", err)
	}
	l := nodeRoot(t, "node1.example.com")
	// Every directory on the way must be open to others, so that only the
	// socket's own mode decides.
	for dir := l.SocketDir; dir != filepath.Dir(filepath.Dir(l.Root)); dir = filepath.Dir(dir) {
		require.NoError(t, os.Chmod(dir, 0o755), dir)
	}
	cmd := command(l, "-f", "--no-user-checks", "--no-voting", "--yes-do-it")
	require.NoError(t, cmd.Start())
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	dialWhenReady(t, l.LuxiSocket).Close()

	assert.Equal(t, "EACCES", connectAs(t, "nobody", l.LuxiSocket), "a user outside Ganeti's groups")
	assert.Equal(t, "connected", connectAs(t, "gnt-rapi", l.LuxiSocket), "a member of gnt-daemons")
}
