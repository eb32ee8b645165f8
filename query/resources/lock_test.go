package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"testing"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/wconfd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockFake is a LockLister answering with a fixed text or error.
type lockFake struct {
	answer string
	err    error
}

func (f lockFake) ListLocksWaitingStatus(context.Context) (json.RawMessage, error) {
	return json.RawMessage(f.answer), f.err
}

// lockObserved is a listLocksWaitingStatus answer of a real WConfd, plus a
// pending request of a non-job client for a lock nobody holds and a release
// request.
const lockObserved = `[[["cluster/[lockset]",[]],
  ["cluster/BGL",[[[27,"/var/run/ganeti/livelocks/job_000027_1795754461",25614],"shared"],[[28,"/var/run/ganeti/livelocks/job_000028_1795754463",25624],"shared"]]],
  ["node/[lockset]",[]],
  ["node/9a12d554-75c0-4cb1-8064-103365145db0",[[[27,"/var/run/ganeti/livelocks/job_000027_1795754461",25614],"exclusive"]]]],
 [[0,[28,"/var/run/ganeti/livelocks/job_000028_1795754463",25624],[["node/9a12d554-75c0-4cb1-8064-103365145db0","exclusive"]]],
  [5,["luxid-ThreadId 12","/var/run/ganeti/livelocks/luxi-daemon_1",100],[["instance/10","shared"],["node/9a12d554-75c0-4cb1-8064-103365145db0","shared"],["instance/9","release"],["instance/10","exclusive"],["instance/2","shared"]]]]]`

func TestLockRows(t *testing.T) {
	env := Env{Config: goldenConfig(t), Locks: lockFake{answer: lockObserved}}
	got, err := queryData(t, "lock", env, []string{"name", "mode", "owner", "pending"}, "")
	require.NoError(t, err)
	want := `[` +
		`[[0,"cluster/BGL"],[0,"shared"],[0,["27","28"]],[0,[]]],` +
		`[[0,"cluster/[lockset]"],[0,null],[0,[]],[0,[]]],` +
		`[[0,"instance/2"],[0,null],[0,[]],[0,[["shared",["\"luxid-ThreadId 12\""]]]]],` +
		`[[0,"instance/9"],[0,null],[0,[]],[0,[]]],` +
		`[[0,"instance/10"],[0,null],[0,[]],[0,[["exclusive",["\"luxid-ThreadId 12\""]]]]],` +
		`[[0,"node/9a12d554-75c0-4cb1-8064-103365145db0"],[0,"exclusive"],[0,["27"]],[0,[["exclusive",["28"]],["shared",["\"luxid-ThreadId 12\""]]]]],` +
		`[[0,"node/[lockset]"],[0,null],[0,[]],[0,[]]]` +
		`]`
	assert.Equal(t, want, got)
}

func TestLockFilters(t *testing.T) {
	env := Env{Config: goldenConfig(t), Locks: lockFake{answer: lockObserved}}
	tests := []struct{ filter, want string }{
		{`["&", ["=[]", "owner", "27"], ["==", "mode", "exclusive"]]`, `[[[0,"node/9a12d554-75c0-4cb1-8064-103365145db0"]]]`},
		{`["=[]", "owner", "28"]`, `[[[0,"cluster/BGL"]]]`},
		{`["=~", "name", "^instance/"]`, `[[[0,"instance/2"]],[[0,"instance/9"]],[[0,"instance/10"]]]`},
		// A simple filter on the name does not select locks by name.
		{`["|", ["==", "name", "node/[lockset]"], ["==", "name", "cluster/BGL"]]`, `[[[0,"cluster/BGL"]],[[0,"node/[lockset]"]]]`},
	}
	for _, tc := range tests {
		got, err := queryData(t, "lock", env, []string{"name"}, tc.filter)
		require.NoError(t, err, tc.filter)
		assert.Equal(t, tc.want, got, tc.filter)
	}
	// The mode of a lock nobody holds is a (normal) null.
	_, err := queryData(t, "lock", env, []string{"name"}, `["=~", "mode", "x"]`)
	assert.Equal(t, []any{"ParameterError", []any{"Invalid field value used in regexp matching, expecting string but got 'null'"}},
		gerrors.Encode(err))
	_, err = queryData(t, "lock", env, []string{"name"}, `["==", "mode", "exclusive"]`)
	assert.Equal(t, []any{"ParameterError", []any{`Invalid types in comparison, trying to compare null with 'QuotedString "exclusive"'`}},
		gerrors.Encode(err))
}

func TestLockEmpty(t *testing.T) {
	env := Env{Config: goldenConfig(t), Locks: lockFake{answer: `[[],[]]`}}
	got, err := queryData(t, "lock", env, []string{"name", "mode"}, "")
	require.NoError(t, err)
	assert.Equal(t, `[]`, got)
}

func TestLockWithoutWConfd(t *testing.T) {
	want := []any{"GenericError", []any{"Network.Socket.connect: <socket: 9>: does not exist (No such file or directory)"}}
	// WConfd is asked before the filter is looked at.
	_, err := queryData(t, "lock", Env{Config: goldenConfig(t)}, []string{"name"}, `["==", "nosuchfield", "x"]`)
	assert.Equal(t, want, gerrors.Encode(err))

	client := &wconfd.Client{Socket: filepath.Join(t.TempDir(), "ganeti-wconfd")}
	_, err = queryData(t, "lock", Env{Config: goldenConfig(t), Locks: client}, []string{"name"}, "")
	assert.Equal(t, want, gerrors.Encode(err))
}

func TestLockErrors(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "refused")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	require.NoError(t, err)
	l.SetUnlinkOnClose(false)
	require.NoError(t, l.Close()) // the file stays, nobody listens

	tests := []struct {
		name string
		env  LockLister
		want []any
	}{
		{"refused", &wconfd.Client{Socket: sock},
			[]any{"GenericError", []any{"Network.Socket.connect: <socket: 9>: does not exist (Connection refused)"}}},
		{"WConfd exception", lockFake{err: gerrors.New("LockError", "boom")}, []any{"LockError", []any{"boom"}}},
		{"other", lockFake{err: errors.New("read: i/o timeout")}, []any{"GenericError", []any{"read: i/o timeout"}}},
		{"malformed", lockFake{answer: `[[]]`}, []any{"GenericError", []any{"Cannot decode lock status from WConfd: [[]]"}}},
		{"unknown lock", lockFake{answer: `[[["bogus/x",[]]],[]]`}, []any{"GenericError", []any{"Unknown lock name 'bogus/x'"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := queryData(t, "lock", Env{Config: goldenConfig(t), Locks: tc.env}, []string{"name"}, "")
			assert.Equal(t, tc.want, gerrors.Encode(err))
		})
	}
}

func TestLockOwnerEncoding(t *testing.T) {
	answer := fmt.Sprintf(`[[["cluster/BGL",[[[%s,"/l",1],"shared"]]]],[]]`, `"tab\there \"q\" é"`)
	env := Env{Config: goldenConfig(t), Locks: lockFake{answer: answer}}
	got, err := queryData(t, "lock", env, []string{"owner"}, "")
	require.NoError(t, err)
	assert.Equal(t, `[[[0,["\"tab\\there \\\"q\\\" é\""]]]]`, got)
}
