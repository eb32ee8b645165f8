package daemon

import (
	"strings"
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
		{"none", nil, Options{Syslog: "no", MaxQueuedJobs: 5000}},
		{"daemon-util style", []string{"-f", "--no-user-checks", "--no-voting", "--yes-do-it"},
			Options{Foreground: true, NoUserChecks: true, NoVoting: true, YesDoIt: true, Syslog: "no", MaxQueuedJobs: 5000}},
		{"bundled short", []string{"-fd"}, Options{Foreground: true, Debug: true, Syslog: "no", MaxQueuedJobs: 5000}},
		{"long forms", []string{"--foreground", "--debug", "--syslog=only"},
			Options{Foreground: true, Debug: true, Syslog: "only", MaxQueuedJobs: 5000}},
		{"syslog separate value", []string{"--syslog", "yes"}, Options{Syslog: "yes", MaxQueuedJobs: 5000}},
		{"queue limit", []string{"--max-queued-jobs=0"}, Options{Syslog: "no"}},
		{"queue limit separate", []string{"--max-queued-jobs", "7"}, Options{Syslog: "no", MaxQueuedJobs: 7}},
		{"version", []string{"-V"}, Options{Version: true, Syslog: "no", MaxQueuedJobs: 5000}},
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
		{"bad queue limit", []string{"--max-queued-jobs=-1"}, "invalid value"},
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

// Every option is in --help, and every line of --help-completion names an
// option the parser takes.
func TestHelpTextsListEveryOption(t *testing.T) {
	for _, opt := range options {
		names := "    --" + opt.long
		if opt.short != "" {
			names = "-" + opt.short + ", --" + opt.long
		}
		assert.Contains(t, Usage, "  "+names, opt.long)
	}
	sampleValues := map[string]string{"--syslog": "yes", "--max-queued-jobs": "7", "--metrics": "unix:/run/m"}
	for _, line := range strings.Split(strings.TrimSuffix(HelpCompletion, "\n"), "\n") {
		name := strings.Fields(line)[0]
		args := []string{name}
		if opt, ok := lookupOption(strings.TrimPrefix(name, "--"), false); ok && opt.flag == nil {
			require.Contains(t, sampleValues, name, "a sample value for the option")
			args = append(args, sampleValues[name])
		}
		_, err := ParseOptions(args)
		assert.NoError(t, err, line)
	}
}

func TestStartModes(t *testing.T) {
	o, err := ParseOptions(nil)
	require.NoError(t, err)
	assert.False(t, o.ColdStart, "warm start is the default")
	o, err = ParseOptions([]string{"--cold-start"})
	require.NoError(t, err)
	assert.True(t, o.ColdStart)
	assert.NoError(t, o.Validate())
	o, err = ParseOptions([]string{"--warm-start"})
	require.NoError(t, err)
	assert.False(t, o.ColdStart)
	assert.NoError(t, o.Validate())
	o, err = ParseOptions([]string{"--warm-start", "--cold-start"})
	require.NoError(t, err)
	assert.ErrorContains(t, o.Validate(), "exclude each other")
}
