package wconfd

import (
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/uds"
)

// fakeWconfd serves sock with answer: each request gets the answer's
// reply; a nil answer accepts connections and never answers.
func fakeWconfd(t *testing.T, answer func(req []byte) []byte) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "ganeti-wconfd")
	ln, err := net.Listen("unix", sock)
	require.NoError(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			if answer == nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, w := uds.NewReader(c, 0), uds.NewWriter(c)
				for {
					req, err := r.ReadMessage()
					if err != nil {
						return
					}
					if w.WriteMessage(answer(req)) != nil {
						return
					}
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return sock
}

func TestConnectErrorsInTheHaskellLuxidsWords(t *testing.T) {
	missing := &Client{Socket: filepath.Join(t.TempDir(), "ganeti-wconfd")}
	err := missing.CleanupLocks(context.Background())
	assert.Equal(t, []any{"GenericError", []any{"Network.Socket.connect: <socket: 9>: does not exist (No such file or directory)"}},
		gerrors.Encode(err))

	// A socket file nobody listens on, as a crashed WConfd leaves it.
	stale := filepath.Join(t.TempDir(), "ganeti-wconfd")
	ln, err := net.Listen("unix", stale)
	require.NoError(t, err)
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	_, err = (&Client{Socket: stale}).ListLocksWaitingStatus(context.Background())
	assert.Equal(t, []any{"GenericError", []any{"Network.Socket.connect: <socket: 9>: does not exist (Connection refused)"}},
		gerrors.Encode(err))
}

// A WConfd that accepts and never answers costs one read timeout per
// operation, reported as the Haskell luxid reports it.
func TestHangingWconfdIsBoundedByTheTimeout(t *testing.T) {
	cl := &Client{Socket: fakeWconfd(t, nil), RWTimeout: 300 * time.Millisecond}
	want := []any{"GenericError", []any{"user error (Timeout in reading a response)"}}
	ops := map[string]func() error{
		"cleanupLocks": func() error { return cl.CleanupLocks(context.Background()) },
		"listLocksWaitingStatus": func() error {
			_, err := cl.ListLocksWaitingStatus(context.Background())
			return err
		},
		"change config": func() error {
			return cl.ChangeConfig(context.Background(), ClientID{"luxid-test", "/livelock", 1},
				func(map[string]json.RawMessage) error { return nil })
		},
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			err := op()
			took := time.Since(start)
			assert.Equal(t, want, gerrors.Encode(err))
			assert.GreaterOrEqual(t, took, 300*time.Millisecond)
			assert.Less(t, took, 3*time.Second)
		})
	}
}

// A WConfd that never grants the configuration lock holds a filter change
// only as long as its caller's context.
func TestLockNeverGrantedEndsWithTheContext(t *testing.T) {
	var asked sync.Map
	cl := &Client{Socket: fakeWconfd(t, func(req []byte) []byte {
		asked.Store(string(req[:20]), true)
		return []byte(`{"success":true,"result":null}`)
	})}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := cl.ChangeConfig(ctx, ClientID{"luxid-test", "/livelock", 1}, func(map[string]json.RawMessage) error {
		t.Error("changed a configuration never handed over")
		return nil
	})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	_, ok := asked.Load(`{"method":"lockConfi`)
	assert.True(t, ok, "lockConfig was asked")
}

// A configuration lock another client holds for good ends a change after
// the lock wait, with nothing written.
func TestLockNeverGrantedEndsAfterTheLockWait(t *testing.T) {
	var mu sync.Mutex
	methods := map[string]int{}
	cl := &Client{LockWait: 300 * time.Millisecond, Socket: fakeWconfd(t, func(req []byte) []byte {
		var r struct{ Method string }
		json.Unmarshal(req, &r)
		mu.Lock()
		methods[r.Method]++
		mu.Unlock()
		return []byte(`{"success":true,"result":null}`)
	})}
	start := time.Now()
	err := cl.ChangeConfig(context.Background(), ClientID{"luxid-test", "/livelock", 1}, func(map[string]json.RawMessage) error {
		t.Error("changed a configuration never handed over")
		return nil
	})
	took := time.Since(start)
	assert.Equal(t, []any{"GenericError", []any{"Timeout waiting for the configuration lock of WConfd (another client holds it)"}},
		gerrors.Encode(err))
	assert.GreaterOrEqual(t, took, 300*time.Millisecond)
	assert.Less(t, took, 3*time.Second)
	mu.Lock()
	defer mu.Unlock()
	assert.GreaterOrEqual(t, methods["lockConfig"], 3, "asked again and again")
	assert.Zero(t, methods["writeConfig"])
}

// WConfd's failures reach the caller as the Ganeti errors they encode.
func TestAnswersDecode(t *testing.T) {
	tests := []struct {
		name, answer string
		wantResult   string
		wantErr      error
		wantText     string
	}{
		{"success", `{"success":true,"result":[1,2]}`, `[1,2]`, nil, ""},
		{"exception", `{"success":false,"result":["ConfigurationError",["bad"]]}`, "", gerrors.Configuration("bad"), ""},
		{"other failure", `{"success":false,"result":"odd"}`, "", nil, `WConfd cleanupLocks failed: "odd"`},
		{"no result", `{"success":true}`, "", nil, "WConfd cleanupLocks: answer without success or result"},
		{"not JSON", `nonsense`, "", nil, "WConfd cleanupLocks: invalid answer: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cl := &Client{Socket: fakeWconfd(t, func([]byte) []byte { return []byte(tc.answer) })}
			var res json.RawMessage
			err := cl.Call(context.Background(), "cleanupLocks", nil, &res)
			switch {
			case tc.wantErr != nil:
				assert.Equal(t, tc.wantErr, err)
			case tc.wantText != "":
				assert.ErrorContains(t, err, tc.wantText)
			default:
				require.NoError(t, err)
				assert.JSONEq(t, tc.wantResult, string(res))
			}
		})
	}
}
