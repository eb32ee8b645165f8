package wconfd

import (
	"context"
	"encoding/json"
	"time"

	"github.com/goluxid/goluxid/ganeti/gerrors"
)

// ClientID identifies a lock owner to WConfd: [identifier, livelock, pid].
// WConfd frees the owner's locks once nobody holds the livelock.
type ClientID struct {
	Identifier string
	Livelock   string
	Pid        int
}

// MarshalJSON writes the id as WConfd reads it.
func (c ClientID) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{c.Identifier, c.Livelock, c.Pid})
}

// LockWait is how long a configuration change waits for WConfd's
// configuration lock by default. The Haskell luxid waits without end,
// past the client's own timeout (180 s), and then changes the
// configuration although the client was told the call failed.
const LockWait = 60 * time.Second

// errLockTimeout is the answer when WConfd never granted the lock.
var errLockTimeout = gerrors.Generic("Timeout waiting for the configuration lock of WConfd (another client holds it)")

// The pause between two lockConfig attempts starts at lockRetry and
// doubles up to lockRetryMax; the Haskell luxid re-sends at once, which
// only burns CPU on both sides.
const (
	lockRetry    = 10 * time.Millisecond
	lockRetryMax = 100 * time.Millisecond
)

// ChangeConfig takes WConfd's exclusive configuration lock for cid, lets
// change turn the locked configuration (the whole config.data object) into
// the one to write, writes it and releases the lock, all on one
// connection. The lock is released even when change or the write fails.
func (cl *Client) ChangeConfig(ctx context.Context, cid ClientID, change func(cfg map[string]json.RawMessage) error) error {
	cn, err := cl.dial(ctx)
	if err != nil {
		return err
	}
	defer cn.c.Close()
	cfg, err := cn.lockConfig(ctx, cid)
	if err != nil {
		return err
	}
	err = change(cfg)
	if err == nil {
		err = cn.call("writeConfig", []any{cid, cfg}, nil)
	}
	if uerr := cn.call("unlockConfig", []any{cid}, nil); err == nil {
		err = uerr
	}
	return err
}

// lockConfig asks for the configuration lock until WConfd grants it, at
// most for the client's lock wait. An ungranted request leaves nothing
// pending in WConfd, so giving up needs no clean-up.
func (cn *conn) lockConfig(ctx context.Context, cid ClientID) (map[string]json.RawMessage, error) {
	deadline := time.Now().Add(cn.lockWait)
	pause := lockRetry
	for {
		var cfg map[string]json.RawMessage
		if err := cn.call("lockConfig", []any{cid, false}, &cfg); err != nil {
			return nil, err
		}
		if cfg != nil {
			return cfg, nil
		}
		if time.Now().After(deadline) {
			return nil, errLockTimeout
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, lockRetryMax)
	}
}
