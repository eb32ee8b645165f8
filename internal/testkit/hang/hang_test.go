package hang

import (
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A client is accepted, gets no answer, and sees its connection closed
// when the listener closes; a Unix socket's file goes with it.
func TestListenerAcceptsAndNeverAnswers(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "s")
	ln, err := net.Listen("unix", sock)
	require.NoError(t, err)
	h := Listen(ln)

	c, err := net.Dial("unix", sock)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Write([]byte("hello\x03"))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return h.Accepted() == 1 }, 5*time.Second, time.Millisecond)

	require.NoError(t, c.SetReadDeadline(time.Now().Add(100*time.Millisecond)))
	_, err = c.Read(make([]byte, 1))
	var netErr net.Error
	require.ErrorAs(t, err, &netErr)
	assert.True(t, netErr.Timeout(), "no answer")

	require.NoError(t, h.Close())
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = c.Read(make([]byte, 1))
	assert.Error(t, err, "closed by the listener")
	_, err = os.Stat(sock)
	assert.ErrorIs(t, err, os.ErrNotExist)
}
