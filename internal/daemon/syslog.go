package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"log/syslog"
	"strings"
)

// SyslogHandler sends log records to syslog (facility daemon) under the
// daemon's name, with the record's level as the syslog priority, as
// Ganeti's daemons do with --syslog.
type SyslogHandler struct {
	w     *syslog.Writer
	level slog.Leveler
	attrs string
	group string
}

// NewSyslogHandler connects to the syslog daemon at network/addr ("", ""
// for the local one) and returns a handler for records at or above level.
func NewSyslogHandler(network, addr, name string, level slog.Leveler) (*SyslogHandler, error) {
	w, err := syslog.Dial(network, addr, syslog.LOG_DAEMON|syslog.LOG_INFO, name)
	if err != nil {
		return nil, fmt.Errorf("connecting to syslog: %w", err)
	}
	return &SyslogHandler{w: w, level: level}, nil
}

// Enabled reports whether level is logged.
func (h *SyslogHandler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= h.level.Level()
}

// Handle sends one record.
func (h *SyslogHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	b.WriteString(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		writeAttr(&b, h.group, a)
		return true
	})
	msg := b.String()
	switch {
	case r.Level < slog.LevelInfo:
		return h.w.Debug(msg)
	case r.Level < LevelNotice:
		return h.w.Info(msg)
	case r.Level < slog.LevelWarn:
		return h.w.Notice(msg)
	case r.Level < slog.LevelError:
		return h.w.Warning(msg)
	default:
		return h.w.Err(msg)
	}
}

// WithAttrs returns a handler that adds attrs to every message.
func (h *SyslogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	h2 := *h
	h2.attrs, h2.group = withAttrs(h.attrs, h.group, attrs)
	return &h2
}

// WithGroup returns a handler that prefixes attribute keys with name.
func (h *SyslogHandler) WithGroup(name string) slog.Handler {
	h2 := *h
	h2.group = h.group + name + "."
	return &h2
}

// TeeHandler sends every record to all its handlers.
type TeeHandler []slog.Handler

// Enabled reports whether any handler logs level.
func (t TeeHandler) Enabled(ctx context.Context, level slog.Level) bool {
	for _, h := range t {
		if h.Enabled(ctx, level) {
			return true
		}
	}
	return false
}

// Handle passes the record to every handler that logs its level.
func (t TeeHandler) Handle(ctx context.Context, r slog.Record) error {
	var first error
	for _, h := range t {
		if h.Enabled(ctx, r.Level) {
			if err := h.Handle(ctx, r.Clone()); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// WithAttrs applies to every handler.
func (t TeeHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(TeeHandler, len(t))
	for i, h := range t {
		out[i] = h.WithAttrs(attrs)
	}
	return out
}

// WithGroup applies to every handler.
func (t TeeHandler) WithGroup(name string) slog.Handler {
	out := make(TeeHandler, len(t))
	for i, h := range t {
		out[i] = h.WithGroup(name)
	}
	return out
}
