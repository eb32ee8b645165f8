package luxi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/uds"
)

// DefaultConnectTimeout bounds Dial, Ganeti's LUXI_DEF_CTMO.
const DefaultConnectTimeout = 30 * time.Second

// ErrConnectionClosed is wrapped by the errors of calls on a connection
// that the server closed, or that the client closed or gave up on.
var ErrConnectionClosed = errors.New("luxi: connection closed")

// RequestError is a failed call whose result is not an encoded Ganeti
// exception, normally the "Failed to parse request: …" string of a
// request the server could not decode (Python's rpc.errors.RequestError).
type RequestError struct {
	// Text is the string result, or the JSON text of another result.
	Text string
}

// Error returns the server's text unchanged, as Python shows it.
func (e *RequestError) Error() string {
	return e.Text
}

// Client is a connection to a LUXI server. Calls may be made from several
// goroutines; they are sent one at a time. After a transport failure, a
// cancelled call, or a request the server refused to decode (it then
// closes the connection), every further call fails with an error
// wrapping ErrConnectionClosed; Dial again.
type Client struct {
	conn   net.Conn
	closed atomic.Bool

	mu     sync.Mutex // serializes calls; guards the fields below
	reader *uds.Reader
	writer *uds.Writer
	broken error // why the connection cannot be used any more
}

// Dial connects to the LUXI socket at path within DefaultConnectTimeout.
func Dial(path string) (*Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultConnectTimeout)
	defer cancel()
	return DialContext(ctx, path)
}

// DialContext connects to the LUXI socket at path.
func DialContext(ctx context.Context, path string) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("luxi: connecting to %s: %w", path, err)
	}
	return NewClient(conn), nil
}

// NewClient returns a Client talking over conn, which it owns.
func NewClient(conn net.Conn) *Client {
	return &Client{
		conn:   conn,
		reader: uds.NewReader(conn, uds.DefaultMaxMessageSize),
		writer: uds.NewWriter(conn),
	}
}

// Close closes the connection; calls in progress fail.
func (c *Client) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	return c.conn.Close()
}

// Call invokes method with args (nil means no arguments, []) and returns
// the result of a successful call. A failed call returns a
// *gerrors.Error when the server answered an encoded exception, a
// *RequestError for any other failure result, and otherwise a transport
// or protocol error.
func (c *Client) Call(ctx context.Context, method string, args any) (json.RawMessage, error) {
	msg, err := EncodeRequest(method, args)
	if err != nil {
		return nil, err
	}
	raw, err := c.CallRaw(ctx, msg)
	if err != nil {
		return nil, err
	}
	resp, err := DecodeResponse(raw)
	if err != nil {
		c.breakConn(err)
		return nil, err
	}
	if resp.Success {
		return resp.Result, nil
	}
	callErr := resp.Err()
	var re *RequestError
	if errors.As(callErr, &re) {
		c.breakConn(fmt.Errorf("%w: server refused a request: %w", ErrConnectionClosed, callErr))
	}
	return nil, callErr
}

// Err returns the failure a response carries, as Call reports it: nil for
// a success, a *gerrors.Error for an encoded exception, a *RequestError
// for any other result.
func (r Response) Err() error {
	if r.Success {
		return nil
	}
	if ge, ok := gerrors.Decode(r.Result); ok {
		return ge
	}
	var text string
	if json.Unmarshal(r.Result, &text) == nil {
		return &RequestError{Text: text}
	}
	return &RequestError{Text: string(r.Result)}
}

// CallRaw sends msg as one message and returns the next message received,
// both without the terminator. It is meant for tests that need exact
// bytes; msg must not contain ETX.
func (c *Client) CallRaw(ctx context.Context, msg []byte) ([]byte, error) {
	if bytes.IndexByte(msg, uds.ETX) >= 0 {
		return nil, uds.ErrTerminatorInPayload
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken != nil {
		return nil, c.broken
	}
	if c.closed.Load() {
		return nil, fmt.Errorf("%w: client closed", ErrConnectionClosed)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	deadline, _ := ctx.Deadline()
	c.conn.SetDeadline(deadline)
	defer c.interruptOnCancel(ctx)()

	answer, err := c.exchange(msg)
	if err != nil {
		if ctxErr := contextError(ctx, deadline, err); ctxErr != nil {
			err = fmt.Errorf("luxi: call abandoned: %w: %w", ctxErr, err)
		}
		c.breakConnLocked(err)
		return nil, err
	}
	return answer, nil
}

// contextError returns ctx's error if ctx ended the exchange that failed
// with err. The connection's deadline may pass a moment before ctx
// reports it.
func contextError(ctx context.Context, deadline time.Time, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if !deadline.IsZero() && errors.Is(err, os.ErrDeadlineExceeded) && !time.Now().Before(deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// interruptOnCancel makes the connection's I/O fail at once when ctx is
// cancelled. The returned function undoes that; it waits for an
// interruption already under way, so that it cannot hit a later call.
func (c *Client) interruptOnCancel(ctx context.Context) func() {
	interrupted := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(interrupted)
		c.conn.SetDeadline(time.Unix(1, 0))
	})
	return func() {
		if !stop() {
			<-interrupted
		}
	}
}

// exchange writes msg and reads the answer.
func (c *Client) exchange(msg []byte) ([]byte, error) {
	if err := c.writer.WriteMessage(msg); err != nil {
		return nil, c.transportError("sending request", err)
	}
	answer, err := c.reader.ReadMessage()
	if err != nil {
		return nil, c.transportError("receiving answer", err)
	}
	return answer, nil
}

// transportError wraps err, marking the ways a connection ends with
// ErrConnectionClosed.
func (c *Client) transportError(what string, err error) error {
	if c.closed.Load() || errors.Is(err, io.EOF) || errors.Is(err, uds.ErrTruncated) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) {
		return fmt.Errorf("%w: %s: %w", ErrConnectionClosed, what, err)
	}
	return fmt.Errorf("luxi: %s: %w", what, err)
}

// breakConn makes every further call fail and closes the connection.
func (c *Client) breakConn(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.breakConnLocked(err)
}

func (c *Client) breakConnLocked(err error) {
	if c.broken != nil {
		return
	}
	if !errors.Is(err, ErrConnectionClosed) {
		err = fmt.Errorf("%w: unusable after an earlier failure: %w", ErrConnectionClosed, err)
	}
	c.broken = err
	c.Close()
}
