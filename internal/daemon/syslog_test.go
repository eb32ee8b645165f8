package daemon

import (
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSyslogHandlerSendsPriorities(t *testing.T) {
	addr := filepath.Join(t.TempDir(), "log")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: addr, Net: "unixgram"})
	require.NoError(t, err)
	defer conn.Close()
	h, err := NewSyslogHandler("unixgram", addr, "ganeti-luxid", slog.LevelInfo)
	require.NoError(t, err)
	defer h.Close()
	logger := slog.New(TeeHandler{h})
	logger.Debug("not sent")
	logger.Info("Loaded new config", "serial", 7)
	logger.Error("bad")
	read := func() string {
		buf := make([]byte, 2048)
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(2*time.Second)))
		n, err := conn.Read(buf)
		require.NoError(t, err)
		return string(buf[:n])
	}
	first := read()
	// <30> is facility daemon (3) and priority info (6).
	assert.True(t, strings.HasPrefix(first, "<30>"), first)
	assert.Contains(t, first, "ganeti-luxid")
	assert.Contains(t, first, "Loaded new config serial=7")
	second := read()
	assert.True(t, strings.HasPrefix(second, "<27>"), "daemon.err: %s", second)
}

// Close disconnects from syslog.
func (h *SyslogHandler) Close() error { return h.w.Close() }
