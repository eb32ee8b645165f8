// Package wconfd is a client of Ganeti's configuration daemon, WConfd,
// for the calls luxid makes.
//
// WConfd listens on its own Unix socket
// (var/run/ganeti/socket/ganeti-wconfd), its messages framed as package
// uds describes: a request is the compact JSON {"method":M,"args":[…]}
// ended by 0x03, with one argument per function parameter, and the answer
// is {"success":…,"result":…}. Every logical operation uses a fresh
// connection, as the Haskell luxid does.
package wconfd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/uds"
)

// Timeouts of WConfd calls (WCONFD_DEF_CTMO, WCONFD_DEF_RWTO), the
// defaults of Client's.
const (
	ConnectTimeout = 10 * time.Second
	RWTimeout      = 60 * time.Second
)

// maxAnswer bounds an answer; a whole config.data fits many times over.
const maxAnswer = 256 << 20

// Client calls WConfd at one socket path.
type Client struct {
	Socket string
	// ConnectTimeout and RWTimeout bound connecting and each call's
	// request and answer, LockWait the wait for the configuration lock;
	// the package's constants if zero.
	ConnectTimeout, RWTimeout, LockWait time.Duration
}

// conn is one connection carrying a sequence of calls.
type conn struct {
	c        net.Conn
	r        *uds.Reader
	w        *uds.Writer
	timeout  time.Duration // of each call
	lockWait time.Duration
}

// dial connects within the connect timeout.
func (cl *Client) dial(ctx context.Context) (*conn, error) {
	d := net.Dialer{Timeout: orDefault(cl.ConnectTimeout, ConnectTimeout)}
	c, err := d.DialContext(ctx, "unix", cl.Socket)
	if err != nil {
		return nil, connectError(err)
	}
	return &conn{c: c, r: uds.NewReader(c, maxAnswer), w: uds.NewWriter(c),
		timeout: orDefault(cl.RWTimeout, RWTimeout), lockWait: orDefault(cl.LockWait, LockWait)}, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// connectError is a failed connection as the Haskell luxid words it (in
// the words of Haskell's network library), which is what its clients
// show.
func connectError(err error) error {
	var reason string
	switch {
	case os.IsTimeout(err):
		return errConnectTimeout
	case errors.Is(err, syscall.ENOENT):
		reason = "does not exist (No such file or directory)"
	case errors.Is(err, syscall.ECONNREFUSED):
		reason = "does not exist (Connection refused)"
	case errors.Is(err, syscall.EACCES):
		reason = "permission denied (Permission denied)"
	default:
		return gerrors.Generic("connecting to WConfd: %v", err)
	}
	return gerrors.Generic("Network.Socket.connect: <socket: 9>: %s", reason)
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
	if err := cn.c.SetDeadline(time.Now().Add(cn.timeout)); err != nil {
		return fmt.Errorf("WConfd %s: %w", method, err)
	}
	if err := cn.w.WriteMessage(req); err != nil {
		if os.IsTimeout(err) {
			return errSendTimeout
		}
		return fmt.Errorf("WConfd %s: %w", method, err)
	}
	msg, err := cn.r.ReadMessage()
	if err != nil {
		if os.IsTimeout(err) {
			return errReadTimeout
		}
		return fmt.Errorf("WConfd %s: reading the answer: %w", method, err)
	}
	return decodeAnswer(method, msg, result)
}

// Timeouts as the Haskell luxid reports them (an IO "user error" of its
// client code).
var (
	errConnectTimeout = gerrors.Generic("user error (Timeout in creating a connection)")
	errSendTimeout    = gerrors.Generic("user error (Timeout in sending a message)")
	errReadTimeout    = gerrors.Generic("user error (Timeout in reading a response)")
)

// answer is the wire form of WConfd's reply; both members are required.
type answer struct {
	Success *bool           `json:"success"`
	Result  json.RawMessage `json:"result"`
}

// decodeAnswer decodes a WConfd answer.
func decodeAnswer(method string, msg []byte, result any) error {
	var a answer
	if err := json.Unmarshal(msg, &a); err != nil {
		return fmt.Errorf("WConfd %s: invalid answer: %w", method, err)
	}
	if a.Success == nil || a.Result == nil {
		return fmt.Errorf("WConfd %s: answer without success or result", method)
	}
	if !*a.Success {
		if ge, ok := gerrors.Decode(a.Result); ok {
			return ge
		}
		return fmt.Errorf("WConfd %s failed: %s", method, a.Result)
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(a.Result, result); err != nil {
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
