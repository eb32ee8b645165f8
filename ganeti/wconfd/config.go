package wconfd

import (
	"context"
	"encoding/json"
	"time"
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

// lockRetry is the pause between two lockConfig attempts; the Haskell
// luxid re-sends at once, which only burns CPU on both sides.
const lockRetry = 10 * time.Millisecond

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

// lockConfig asks for the configuration lock until WConfd grants it.
func (cn *conn) lockConfig(ctx context.Context, cid ClientID) (map[string]json.RawMessage, error) {
	for {
		var cfg map[string]json.RawMessage
		if err := cn.call("lockConfig", []any{cid, false}, &cfg); err != nil {
			return nil, err
		}
		if cfg != nil {
			return cfg, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(lockRetry):
		}
	}
}
