package compat_test

import (
	"regexp"
	"testing"

	"github.com/goluxid/goluxid/internal/sandbox"
)

// pauseTime replaces the moment the watcher is paused until, which depends
// on when the command ran.
var pauseTime = normalization{
	name: "pause-time",
	apply: func(t *testing.T, luxid string, r *result) {
		r.stdout = untilRE.ReplaceAllString(r.stdout, "until <time>")
	},
}

var untilRE = regexp.MustCompile(`until .*`)

// TestWatcherPause compares pausing and resuming the watcher (noded writes
// the pause file on the luxid's request) and reading the pause back.
func TestWatcherPause(t *testing.T) {
	compareOnBothLuxids(t, sandbox.Options{Noded: true}, []clientCase{
		{name: "info-unpaused", cmd: []string{"gnt-cluster", "watcher", "info"}},
		{name: "pause", cmd: []string{"gnt-cluster", "watcher", "pause", "1h"}, norms: []normalization{pauseTime}},
		{name: "info-paused", cmd: []string{"gnt-cluster", "watcher", "info"}, norms: []normalization{pauseTime}},
		{name: "continue", cmd: []string{"gnt-cluster", "watcher", "continue"}},
		{name: "info-continued", cmd: []string{"gnt-cluster", "watcher", "info"}},
	})
}
