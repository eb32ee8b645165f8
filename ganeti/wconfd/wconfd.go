// Package wconfd is a client of Ganeti's configuration daemon, WConfd,
// for the calls luxid makes.
//
// WConfd speaks LUXI's framing on its own Unix socket
// (var/run/ganeti/socket/ganeti-wconfd): a request is the compact JSON
// {"method":M,"args":[…]} ended by 0x03, with one argument per function
// parameter, and the answer is {"success":…,"result":…}. Every logical
// operation uses a fresh connection, as the Haskell luxid does.
package wconfd

import (
	"context"
	"encoding/json"

	"fmt"
	"net"
	"time"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/luxi"
)

// Timeouts of WConfd calls (WCONFD_DEF_CTMO, WCONFD_DEF_RWTO).
const (
	ConnectTimeout = 10 * time.Second
	RWTimeout      = 60 * time.Second
)

// maxAnswer bounds an answer; a whole config.data fits many times over.
const maxAnswer = 256 << 20

// Client calls WConfd at one socket path.
type Client struct {
	Socket string
}

// conn is one connection carrying a sequence of calls.
type conn struct {
	c net.Conn
	r *luxi.Reader
	w *luxi.Writer
}

// dial connects within ConnectTimeout.
func (cl *Client) dial(ctx context.Context) (*conn, error) {
	d := net.Dialer{Timeout: ConnectTimeout}
	c, err := d.DialContext(ctx, "unix", cl.Socket)
	if err != nil {
		return nil, fmt.Errorf("connecting to WConfd at %s: %w", cl.Socket, err)
	}
	return &conn{c: c, r: luxi.NewReader(c, maxAnswer), w: luxi.NewWriter(c)}, nil
}

// call sends one request and decodes its answer into result (which may be
// nil). A failure answer becomes the Ganeti error it encodes.
func (cn *conn) call(method string, args []any, result any) error {
	if args == nil {
		args = []any{}
	}
	req, err := json.Marshal(struct {
		Method string `json:"method"`
		Args   []any  `json:"args"`
	}{method, args})
	if err != nil {
		return fmt.Errorf("WConfd %s: %w", method, err)
	}
	if err := cn.c.SetDeadline(time.Now().Add(RWTimeout)); err != nil {
		return fmt.Errorf("WConfd %s: %w", method, err)
	}
	if err := cn.w.WriteMessage(req); err != nil {
		return fmt.Errorf("WConfd %s: %w", method, err)
	}
	msg, err := cn.r.ReadMessage()
	if err != nil {
		return fmt.Errorf("WConfd %s: reading the answer: %w", method, err)
	}
	return decodeAnswer(method, msg, result)
}

// decodeAnswer decodes a WConfd answer.
func decodeAnswer(method string, msg []byte, result any) error {
	resp, err := luxi.DecodeResponse(msg)
	if err != nil {
		return fmt.Errorf("WConfd %s: %w", method, err)
	}
	if !resp.Success {
		var enc []json.RawMessage
		var name string
		var args []any
		if json.Unmarshal(resp.Result, &enc) == nil && len(enc) == 2 &&
			json.Unmarshal(enc[0], &name) == nil && json.Unmarshal(enc[1], &args) == nil {
			return gerrors.New(name, args...)
		}
		return fmt.Errorf("WConfd %s failed: %s", method, resp.Result)
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Result, result); err != nil {
		return fmt.Errorf("WConfd %s: decoding the answer: %w", method, err)
	}
	return nil
}

// Call makes one call on a connection of its own.
func (cl *Client) Call(ctx context.Context, method string, args []any, result any) error {
	cn, err := cl.dial(ctx)
	if err != nil {
		return err
	}
	defer cn.c.Close()
	return cn.call(method, args, result)
}

// CleanupLocks asks WConfd to release the locks of dead owners at once,
// as luxid does after killing a job.
func (cl *Client) CleanupLocks(ctx context.Context) error {
	return cl.Call(ctx, "cleanupLocks", nil, nil)
}

// ListLocksWaitingStatus returns WConfd's locks and pending requests, as
// [[[lock, [[owner, mode]…]]…], [[priority, owner, [[lock, mode]…]]…]].
func (cl *Client) ListLocksWaitingStatus(ctx context.Context) (json.RawMessage, error) {
	var res json.RawMessage
	err := cl.Call(ctx, "listLocksWaitingStatus", nil, &res)
	return res, err
}
