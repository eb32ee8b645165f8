package rpc

// ErrOffline is the error of a node marked offline, which is not
// contacted (Ganeti's OfflineNodeError).
var ErrOffline = errorString("Node is marked offline")

// errorString is a constant error.
type errorString string

func (e errorString) Error() string { return string(e) }

// TransportError is a failure to reach the node or to exchange the
// request and answer: connection, TLS, HTTP, timeout, cancellation.
type TransportError struct {
	Err error
}

func (e *TransportError) Error() string { return "RPC transport error: " + e.Err.Error() }

// Unwrap returns the underlying error, e.g. context.DeadlineExceeded.
func (e *TransportError) Unwrap() error { return e.Err }

// DecodeError is an answer that is not [true, payload] or [false,
// message], or a payload of the wrong shape.
type DecodeError struct {
	Msg string
}

func (e *DecodeError) Error() string { return "Error while decoding JSON from HTTP response: " + e.Msg }

// RemoteError is a [false, message] answer: the procedure failed on the
// node.
type RemoteError struct {
	Msg string
}

func (e *RemoteError) Error() string { return "Error response received from RPC server: " + e.Msg }
