package luxid

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/uds"
	"github.com/goluxid/goluxid/ganeti/wconfd"
)

// serveWconfd answers WConfd's configuration calls over configFile the
// way WConfd does for a filter change: lockConfig hands out the file's
// configuration, writeConfig has replaced the file when it answers,
// unlockConfig releases.
func serveWconfd(t *testing.T, configFile string) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "wconfd")
	ln, err := net.Listen("unix", sock)
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				answerWconfd(t, c, configFile)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return sock
}

// answerWconfd serves one connection until the client closes it.
func answerWconfd(t *testing.T, c net.Conn, configFile string) {
	r, w := uds.NewReader(c, 0), uds.NewWriter(c)
	for {
		msg, err := r.ReadMessage()
		if err != nil {
			return
		}
		var req struct {
			Method string            `json:"method"`
			Args   []json.RawMessage `json:"args"`
		}
		if !assert.NoError(t, json.Unmarshal(msg, &req)) {
			return
		}
		result := []byte("null")
		switch req.Method {
		case "lockConfig":
			result, err = os.ReadFile(configFile)
			assert.NoError(t, err)
		case "writeConfig":
			tmp := configFile + ".tmp"
			assert.NoError(t, os.WriteFile(tmp, req.Args[1], 0o640))
			assert.NoError(t, os.Rename(tmp, configFile))
		}
		answer := append(append([]byte(`{"success":true,"result":`), result...), '}')
		if w.WriteMessage(answer) != nil {
			return
		}
	}
}

// TestFilterChangeIsSeenByTheNextQuery: WConfd has written config.data
// when it answers, and the next query sees the change, with no file watch
// running to reload the file; the store's follower (the job scheduler, in
// the daemon) was told of it before the answer.
func TestFilterChangeIsSeenByTheNextQuery(t *testing.T) {
	d, layout := newTestDispatcher(t)
	d.deps.WConfd = &wconfd.Client{Socket: serveWconfd(t, layout.ConfigFile)}
	var followed string // the filters of the last snapshot the follower saw
	d.deps.Config.Follow(func(_, cur *config.Snapshot) { followed = string(cur.Data.Raw["filters"]) })

	uuid, err := callJSON(t, d, "ReplaceFilter", `[null, 10, [["reason", ["=", "reason", "nothing"]]], "ACCEPT", []]`)
	require.NoError(t, err)
	assert.Contains(t, filterUUIDs(t, d), uuid)
	assert.Contains(t, followed, uuid, "the follower was not told of the new rule")

	_, err = callJSON(t, d, "DeleteFilter", `[`+uuid+`]`)
	require.NoError(t, err)
	assert.NotContains(t, filterUUIDs(t, d), uuid)
	assert.NotContains(t, followed, uuid, "the follower was not told of the deleted rule")
}

// filterUUIDs returns the uuids QueryFilters lists, JSON-quoted.
func filterUUIDs(t *testing.T, d *Dispatcher) []string {
	t.Helper()
	listed, err := callJSON(t, d, "QueryFilters", `[null, ["uuid"]]`)
	require.NoError(t, err)
	var rows [][]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(listed), &rows))
	uuids := make([]string, len(rows))
	for i, row := range rows {
		uuids[i] = string(row[0])
	}
	return uuids
}
