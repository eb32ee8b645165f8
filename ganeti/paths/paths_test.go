package paths

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLayoutPrefixesRootAsPlainString(t *testing.T) {
	l := New("/tmp/vc/node1.example.com")
	assert.Equal(t, "/tmp/vc/node1.example.com/var/run/ganeti/socket/ganeti-query", l.LuxiSocket)
	assert.Equal(t, "/tmp/vc/node1.example.com/var/lib/ganeti/config.data", l.ConfigFile)
	assert.Equal(t, "/tmp/vc/node1.example.com/var/lib/ganeti/queue/job-17", l.JobFile(17))
	assert.Equal(t, "/tmp/vc/node1.example.com/var/lib/ganeti/queue/archive/2/job-23456", l.ArchivedJobFile(23456))
	assert.Equal(t, "/tmp/vc/node1.example.com/var/lib/ganeti/ssconf_master_node", l.Ssconf("master_node"))
	assert.Equal(t, "/tmp/vc/node1.example.com/var/run/ganeti/luxidmessages/5.prio", l.LuxidMessage(5))
	assert.Equal(t, "/tmp/vc/node1.example.com/var/log/ganeti/luxi-daemon.log", l.LogFile)
	assert.Equal(t, "/tmp/vc/node1.example.com/var/run/ganeti/ganeti-luxid.pid", l.PidFile)

	// Haskell concatenates without cleaning: a trailing slash doubles.
	assert.Equal(t, "/x//var/lib/ganeti/queue/drain", New("/x/").DrainFile)
	assert.Equal(t, "/var/lib/ganeti/watcher.pause", New("").WatcherPause)
}

func TestFromEnvAndHostname(t *testing.T) {
	t.Setenv(EnvRootDir, "/r/n1")
	t.Setenv(EnvHostname, "n1")
	assert.Equal(t, "/r/n1/var/lib/ganeti/queue", FromEnv().QueueDir)
	name, err := Hostname()
	require.NoError(t, err)
	assert.Equal(t, "n1", name)

	t.Setenv(EnvHostname, "")
	name, err = Hostname()
	require.NoError(t, err)
	assert.NotEmpty(t, name)
}
