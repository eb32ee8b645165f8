package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// LevelNotice is Ganeti's NOTICE, between INFO and WARNING; the daemon's
// start and stop are logged at it.
const LevelNotice = slog.Level(2)

// LogHandler writes slog records as Ganeti's Haskell daemons write log
// lines:
//
//	2026-11-27 04:30:37,820402750000 UTC: ganeti-luxid pid=11087 INFO text key=value
//
// (the fraction is in picoseconds, as theirs is). Attributes follow the
// message as key=value pairs.
type LogHandler struct {
	mu    *sync.Mutex // guards writes to out
	out   io.Writer
	name  string
	level slog.Leveler
	pid   int
	attrs string // preformatted attributes from WithAttrs
	group string
}

// NewLogHandler returns a handler writing records at or above level to out
// under the daemon name.
func NewLogHandler(out io.Writer, name string, level slog.Leveler) *LogHandler {
	return &LogHandler{mu: &sync.Mutex{}, out: out, name: name, level: level, pid: os.Getpid()}
}

// Enabled reports whether level is logged.
func (h *LogHandler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= h.level.Level()
}

// Handle writes one line.
func (h *LogHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	t := r.Time.UTC()
	fmt.Fprintf(&b, "%s,%09d000 UTC: %s pid=%d %s %s", t.Format(time.DateTime), t.Nanosecond(), h.name, h.pid, levelName(r.Level), r.Message)
	b.WriteString(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		writeAttr(&b, h.group, a)
		return true
	})
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.out, b.String())
	return err
}

// WithAttrs returns a handler that adds attrs to every line.
func (h *LogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	h2 := *h
	h2.attrs, h2.group = withAttrs(h.attrs, h.group, attrs)
	return &h2
}

// WithGroup returns a handler that prefixes attribute keys with name.
func (h *LogHandler) WithGroup(name string) slog.Handler {
	h2 := *h
	h2.group = h.group + name + "."
	return &h2
}

// withAttrs appends attrs, formatted, to the preformatted attributes of a
// handler.
func withAttrs(pre, group string, attrs []slog.Attr) (string, string) {
	var b strings.Builder
	b.WriteString(pre)
	for _, a := range attrs {
		writeAttr(&b, group, a)
	}
	return b.String(), group
}

func writeAttr(b *strings.Builder, group string, a slog.Attr) {
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		for _, ga := range a.Value.Group() {
			writeAttr(b, group+a.Key+".", ga)
		}
		return
	}
	fmt.Fprintf(b, " %s%s=%v", group, a.Key, a.Value.Resolve())
}

// levelName maps slog levels to Ganeti's level names.
func levelName(l slog.Level) string {
	switch {
	case l < slog.LevelInfo:
		return "DEBUG"
	case l < LevelNotice:
		return "INFO"
	case l < slog.LevelWarn:
		return "NOTICE"
	case l < slog.LevelError:
		return "WARNING"
	default:
		return "ERROR"
	}
}

// LogFile is an append-mode log file that can be reopened after logrotate
// moved it away.
type LogFile struct {
	path string
	mu   sync.Mutex // guards f
	f    *os.File
}

// OpenLogFile opens path for appending, creating it if needed.
func OpenLogFile(path string) (*LogFile, error) {
	lf := &LogFile{path: path}
	if err := lf.Reopen(); err != nil {
		return nil, err
	}
	return lf, nil
}

// Reopen closes the file and opens path again.
func (lf *LogFile) Reopen() error {
	f, err := os.OpenFile(lf.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("opening log file %s: %w", lf.path, err)
	}
	lf.mu.Lock()
	old := lf.f
	lf.f = f
	lf.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

// Write appends p to the current file.
func (lf *LogFile) Write(p []byte) (int, error) {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	return lf.f.Write(p)
}

// Close closes the file.
func (lf *LogFile) Close() error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	return lf.f.Close()
}
