package luxid

import (
	"encoding/json"
	"github.com/goluxid/goluxid/ganeti/opcodes"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// objectKeys returns the top-level keys of the JSON object dec reads, in
// the order they appear.
func objectKeys(t *testing.T, dec *json.Decoder) []string {
	t.Helper()
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// holdLivelock creates path and holds a write lock on it the way a live
// job process does; the returned function lets go, as the process's exit
// would.
func holdLivelock(t *testing.T, path string) func() {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	lk := unix.Flock_t{Type: unix.F_WRLCK}
	require.NoError(t, unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk))
	released := false
	release := func() {
		if !released {
			released = true
			f.Close()
		}
	}
	t.Cleanup(release)
	return release
}

// schema30 is Ganeti 3.0's opcode schema, which the tests submit by.
var schema30 = func() *opcodes.Schema {
	s, err := opcodes.ForRelease("3.0")
	if err != nil {
		panic(err)
	}
	return s
}()
