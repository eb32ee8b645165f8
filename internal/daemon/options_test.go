package daemon

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want Options
	}{
		{"none", nil, Options{Syslog: "no"}},
		{"daemon-util style", []string{"-f", "--no-user-checks", "--no-voting", "--yes-do-it"},
			Options{Foreground: true, NoUserChecks: true, NoVoting: true, YesDoIt: true, Syslog: "no"}},
		{"bundled short", []string{"-fd"}, Options{Foreground: true, Debug: true, Syslog: "no"}},
		{"long forms", []string{"--foreground", "--debug", "--syslog=only"},
			Options{Foreground: true, Debug: true, Syslog: "only"}},
		{"syslog separate value", []string{"--syslog", "yes"}, Options{Syslog: "yes"}},
		{"version", []string{"-V"}, Options{Version: true, Syslog: "no"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseOptions(tc.args)
			require.NoError(t, err)
			assert.Equal(t, tc.want, *got)
		})
	}
}

func TestParseOptionsErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"positional", []string{"-f", "extra"}, "This program doesn't take any arguments"},
		{"unknown long", []string{"--bogus"}, "unrecognized option `--bogus'"},
		{"unknown short", []string{"-x"}, "unrecognized option `-x'"},
		{"bad syslog", []string{"--syslog=maybe"}, `invalid syslog usage value "maybe"`},
		{"syslog without value", []string{"--syslog"}, "requires an argument"},
		{"value on bool", []string{"--debug=1"}, "doesn't allow an argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseOptions(tc.args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestValidateNoVotingNeedsYesDoIt(t *testing.T) {
	o, err := ParseOptions([]string{"--no-voting"})
	require.NoError(t, err)
	assert.ErrorContains(t, o.Validate(), "cannot be given without providing yes-do-it")
	o.YesDoIt = true
	assert.NoError(t, o.Validate())
}
