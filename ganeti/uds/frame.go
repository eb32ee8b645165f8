package uds

import (
	"bytes"
	"errors"
	"io"
	"sync"
)

// ETX is the byte that ends every message.
const ETX byte = 0x03

// DefaultMaxMessageSize is the size limit of one message (without its
// terminator) used when none is given. Ganeti's daemons have none; the
// limit only guards memory against a peer that never sends ETX.
const DefaultMaxMessageSize = 64 << 20

// Frame errors.
var (
	// ErrTruncated means the stream ended in the middle of a message: bytes
	// were received after the last terminator.
	ErrTruncated = errors.New("uds: stream ended inside a message")
	// ErrTooLarge means a message exceeded the reader's size limit. The
	// stream cannot be resynchronised afterwards.
	ErrTooLarge = errors.New("uds: message too large")
	// ErrTerminatorInPayload means a message to be written contains ETX.
	ErrTerminatorInPayload = errors.New("uds: message terminator found in payload")
)

const (
	// readChunk is the least free space offered to each read, as
	// Ganeti's daemons read at most 4096 bytes at a time.
	readChunk = 4096
	// keepBuffer is the buffer capacity a reader keeps after a large
	// message; above it the buffer is given back.
	keepBuffer = 64 << 10
)

// Reader splits a byte stream into ETX-terminated messages. Several
// messages may arrive in one read and one message may span many reads. A
// Reader is not safe for concurrent use.
type Reader struct {
	src io.Reader
	max int
	// buf[start:] holds bytes received but not yet returned; the first
	// scanned of them are known to contain no ETX.
	buf     []byte
	start   int
	scanned int
	// err is the first error of src, reported once the buffered messages
	// have been returned.
	err error
}

// NewReader returns a Reader of src that refuses messages longer than max
// bytes; max <= 0 means DefaultMaxMessageSize.
func NewReader(src io.Reader, max int) *Reader {
	if max <= 0 {
		max = DefaultMaxMessageSize
	}
	return &Reader{src: src, max: max}
}

// ReadMessage returns the next message without its terminator. The slice
// belongs to the caller. At the end of the stream it returns io.EOF if no
// partial message is pending and ErrTruncated otherwise; any other error
// of the underlying reader is returned as it is. After ErrTooLarge, or
// once the stream has failed, every further call fails the same way.
func (r *Reader) ReadMessage() ([]byte, error) {
	for {
		pending := r.buf[r.start:]
		if i := bytes.IndexByte(pending[r.scanned:], ETX); i >= 0 {
			return r.take(r.scanned + i)
		}
		r.scanned = len(pending)
		if r.scanned > r.max {
			r.fail(ErrTooLarge)
		}
		if r.err != nil {
			return nil, r.pendingError()
		}
		r.fill()
	}
}

// take returns the n pending bytes before an ETX and consumes the ETX.
func (r *Reader) take(n int) ([]byte, error) {
	if n > r.max {
		r.fail(ErrTooLarge)
		return nil, ErrTooLarge
	}
	msg := bytes.Clone(r.buf[r.start : r.start+n])
	if msg == nil {
		msg = []byte{}
	}
	r.start += n + 1
	r.scanned = 0
	return msg, nil
}

// pendingError is the error to report once no complete message is left.
func (r *Reader) pendingError() error {
	if r.err == io.EOF && r.start < len(r.buf) {
		return ErrTruncated
	}
	return r.err
}

// fail makes err sticky and drops the buffer.
func (r *Reader) fail(err error) {
	r.err = err
	r.buf, r.start, r.scanned = nil, 0, 0
}

// fill reads once from src into the free end of the buffer.
func (r *Reader) fill() {
	r.makeRoom()
	n, err := r.src.Read(r.buf[len(r.buf):cap(r.buf)])
	r.buf = r.buf[:len(r.buf)+n]
	if err != nil {
		r.err = err
	}
}

// makeRoom moves the pending bytes to the front of the buffer and makes
// sure at least one chunk is free behind them. The capacity never exceeds
// max+1 bytes plus one chunk, so a sender that never sends ETX cannot
// make the reader hold more than that; after a large message the buffer
// shrinks again.
func (r *Reader) makeRoom() {
	pending := r.buf[r.start:]
	r.start = 0
	if cap(r.buf) > keepBuffer && len(pending) < readChunk {
		r.buf = append(make([]byte, 0, 2*readChunk), pending...)
		return
	}
	r.buf = r.buf[:copy(r.buf, pending)]
	if cap(r.buf)-len(r.buf) >= readChunk {
		return
	}
	size := max(2*cap(r.buf), len(r.buf)+readChunk)
	size = min(size, r.max+1+readChunk)
	r.buf = append(make([]byte, 0, size), r.buf...)
}

// Writer writes ETX-terminated messages. It is safe for concurrent use;
// each message goes to the underlying writer in one Write call.
type Writer struct {
	mu  sync.Mutex // guards dst and buf
	dst io.Writer
	buf []byte
}

// NewWriter returns a Writer to dst.
func NewWriter(dst io.Writer) *Writer {
	return &Writer{dst: dst}
}

// WriteMessage writes msg followed by ETX. A msg containing ETX is refused
// with ErrTerminatorInPayload and nothing is written.
func (w *Writer) WriteMessage(msg []byte) error {
	if bytes.IndexByte(msg, ETX) >= 0 {
		return ErrTerminatorInPayload
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(append(w.buf[:0], msg...), ETX)
	_, err := w.dst.Write(w.buf)
	if cap(w.buf) > keepBuffer {
		w.buf = nil
	}
	return err
}
