package uds

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chunkReader returns its chunks one per Read, as separate network reads
// would arrive, then err (io.EOF if nil).
type chunkReader struct {
	chunks []string
	err    error
	reads  int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		return 0, io.EOF
	}
	r.reads++
	n := copy(p, r.chunks[0])
	if n < len(r.chunks[0]) {
		r.chunks[0] = r.chunks[0][n:]
	} else {
		r.chunks = r.chunks[1:]
	}
	return n, nil
}

// readAll reads messages until an error and returns both.
func readAll(r *Reader) ([]string, error) {
	var msgs []string
	for {
		msg, err := r.ReadMessage()
		if err != nil {
			return msgs, err
		}
		msgs = append(msgs, string(msg))
	}
}

func TestReaderSplitsStream(t *testing.T) {
	tests := []struct {
		name    string
		chunks  []string
		max     int
		want    []string
		wantErr error
	}{
		{"empty stream", nil, 0, nil, io.EOF},
		{"one message", []string{"{}\x03"}, 0, []string{"{}"}, io.EOF},
		{"pipelined in one read", []string{"a\x03b\x03c\x03"}, 0, []string{"a", "b", "c"}, io.EOF},
		{"split across reads", []string{"{\"meth", "od\":", "1}\x03"}, 0, []string{`{"method":1}`}, io.EOF},
		{"terminator in its own read", []string{"abc", "\x03", "def\x03"}, 0, []string{"abc", "def"}, io.EOF},
		{"message and a half", []string{"one\x03tw", "o\x03"}, 0, []string{"one", "two"}, io.EOF},
		{"empty messages", []string{"\x03\x03"}, 0, []string{"", ""}, io.EOF},
		{"cut off", []string{"one\x03{\"method\""}, 0, []string{"one"}, ErrTruncated},
		{"cut off whitespace", []string{"one\x03\n"}, 0, []string{"one"}, ErrTruncated},
		{"at the limit", []string{"12345\x03"}, 5, []string{"12345"}, io.EOF},
		{"over the limit with terminator", []string{"ok\x03123456\x03"}, 5, []string{"ok"}, ErrTooLarge},
		{"over the limit without terminator", []string{"1234", "56"}, 5, nil, ErrTooLarge},
		{"over the limit then cut off", []string{"123456"}, 5, nil, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(&chunkReader{chunks: tc.chunks}, tc.max)
			got, err := readAll(r)
			assert.Equal(t, tc.want, got)
			assert.ErrorIs(t, err, tc.wantErr)
			_, again := r.ReadMessage()
			assert.ErrorIs(t, again, tc.wantErr, "errors are sticky")
		})
	}
}

func TestReaderOneByteReads(t *testing.T) {
	stream := "{\"method\":\"Query\",\"args\":[]}\n\x03second\x03"
	r := NewReader(iotest.OneByteReader(strings.NewReader(stream)), 0)
	got, err := readAll(r)
	require.ErrorIs(t, err, io.EOF)
	assert.Equal(t, []string{"{\"method\":\"Query\",\"args\":[]}\n", "second"}, got)
}

func TestReaderReturnsDataBeforeError(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(iotest.DataErrReader(strings.NewReader("a\x03b\x03")), 0)
	got, err := readAll(r)
	require.ErrorIs(t, err, io.EOF)
	assert.Equal(t, []string{"a", "b"}, got)

	r = NewReader(&chunkReader{chunks: []string{"a\x03par"}, err: boom}, 0)
	got, err = readAll(r)
	assert.Equal(t, []string{"a"}, got)
	assert.ErrorIs(t, err, boom, "a read error is reported as it is, not as truncation")
}

func TestReaderMessagesAreCopies(t *testing.T) {
	r := NewReader(&chunkReader{chunks: []string{"first\x03", "other\x03"}}, 0)
	first, err := r.ReadMessage()
	require.NoError(t, err)
	_, err = r.ReadMessage()
	require.NoError(t, err)
	assert.Equal(t, "first", string(first))
}

// countingReader serves an endless stream of one byte and counts the
// bytes handed out.
type countingReader struct {
	b byte
	n int
}

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.b
	}
	r.n += len(p)
	return len(p), nil
}

func TestReaderBoundsMemory(t *testing.T) {
	const limit = 100 << 10
	src := &countingReader{b: 'x'}
	r := NewReader(src, limit)
	_, err := r.ReadMessage()
	require.ErrorIs(t, err, ErrTooLarge)
	assert.LessOrEqual(t, src.n, limit+1+readChunk, "read no more than the limit allows")
}

func TestReaderLargeMessagesAndShrink(t *testing.T) {
	big := strings.Repeat("y", 1<<20)
	r := NewReader(&chunkReader{chunks: []string{big + "\x03small\x03"}}, 2<<20)
	got, err := readAll(r)
	require.ErrorIs(t, err, io.EOF)
	require.Len(t, got, 2)
	assert.Equal(t, big, got[0])
	assert.Equal(t, "small", got[1])
	assert.LessOrEqual(t, cap(r.buf), keepBuffer, "the buffer shrinks after a large message")
}

func TestWriter(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	require.NoError(t, w.WriteMessage([]byte(`{"success":true,"result":1}`)))
	require.NoError(t, w.WriteMessage(nil))
	assert.Equal(t, "{\"success\":true,\"result\":1}\x03\x03", out.String())

	err := w.WriteMessage([]byte("a\x03b"))
	assert.ErrorIs(t, err, ErrTerminatorInPayload)
	assert.Equal(t, "{\"success\":true,\"result\":1}\x03\x03", out.String(), "nothing written")
}

// oneWriteRecorder records each Write call.
type oneWriteRecorder struct{ writes []string }

func (w *oneWriteRecorder) Write(p []byte) (int, error) {
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func TestWriterWritesOnce(t *testing.T) {
	rec := &oneWriteRecorder{}
	w := NewWriter(rec)
	require.NoError(t, w.WriteMessage([]byte("abc")))
	assert.Equal(t, []string{"abc\x03"}, rec.writes)
}

func TestWriterReaderRoundTrip(t *testing.T) {
	pr, pw := io.Pipe()
	msgs := []string{`{"a":1}`, "", `"é✓"`, strings.Repeat("z", 70000)}
	go func() {
		w := NewWriter(pw)
		for _, m := range msgs {
			if err := w.WriteMessage([]byte(m)); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.Close()
	}()
	got, err := readAll(NewReader(pr, 0))
	require.ErrorIs(t, err, io.EOF)
	assert.Equal(t, msgs, got)
}

// FuzzFrameReader checks the reader against splitting the whole stream at
// once, whatever the sizes of the reads.
func FuzzFrameReader(f *testing.F) {
	f.Add([]byte("a\x03b\x03"), uint8(1), uint8(4))
	f.Add([]byte("{\"method\":\"Query\"}\n\x03partial"), uint8(3), uint8(50))
	f.Add([]byte("\x03\x03\x03"), uint8(2), uint8(0))
	f.Add([]byte("toolongmessage\x03ok\x03"), uint8(5), uint8(8))
	f.Fuzz(func(t *testing.T, stream []byte, chunk uint8, limit uint8) {
		max := int(limit)
		var chunks []string
		step := int(chunk%16) + 1
		for i := 0; i < len(stream); i += step {
			chunks = append(chunks, string(stream[i:min(i+step, len(stream))]))
		}
		got, err := readAll(NewReader(&chunkReader{chunks: chunks}, max))

		if max <= 0 {
			max = DefaultMaxMessageSize
		}
		parts := strings.Split(string(stream), "\x03")
		var want []string
		wantErr := io.EOF
		for i, p := range parts {
			last := i == len(parts)-1
			if len(p) > max {
				wantErr = ErrTooLarge
				break
			}
			if last {
				if p != "" {
					wantErr = ErrTruncated
				}
				break
			}
			want = append(want, p)
		}
		assert.Equal(t, want, got)
		assert.ErrorIs(t, err, wantErr)
	})
}
