package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

// readNotify reads one datagram from a notify socket.
func readNotify(t *testing.T, conn *net.UnixConn) string {
	t.Helper()
	buf := make([]byte, 512)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	n, err := conn.Read(buf)
	require.NoError(t, err)
	return string(buf[:n])
}

// Under systemd (Type=notify) the daemon says READY=1 once it serves and
// its queue is loaded, and STOPPING=1 when it stops.
func TestSystemdNotify(t *testing.T) {
	requireGanetiUsers(t)
	l := nodeRoot(t, "node1.example.com")
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	require.NoError(t, err)
	defer conn.Close()
	cmd := command(l, "-f", "--no-user-checks", "--no-voting", "--yes-do-it")
	cmd.Env = append(cmd.Env, "NOTIFY_SOCKET="+sock)
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill()
	assert.Equal(t, "READY=1", readNotify(t, conn))
	_, err = os.Stat(l.LuxiSocket)
	assert.NoError(t, err, "ready only once the socket exists")
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	assert.Equal(t, "STOPPING=1", readNotify(t, conn))
	require.NoError(t, cmd.Wait())
}

// With socket activation the daemon serves the socket it was given.
func TestSocketActivation(t *testing.T) {
	requireGanetiUsers(t)
	activate := prereq.Program(t, "systemd-socket-activate", "systemd")
	l := nodeRoot(t, "node1.example.com")
	cmd := exec.Command(activate, "-l", l.LuxiSocket, "-E", "GANETI_ROOTDIR="+l.Root, "-E", "GANETI_HOSTNAME=node1.example.com",
		binary, "-f", "--no-user-checks", "--no-voting", "--yes-do-it")
	require.NoError(t, cmd.Start())
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	client := dialWhenReady(t, l.LuxiSocket)
	defer client.Close()
	res, err := client.Call(t.Context(), "QueryConfigValues", []any{[]string{"cluster_name"}})
	require.NoError(t, err)
	assert.JSONEq(t, `["cluster.name.example.com"]`, string(res))
}
