package daemon

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Options are ganeti-luxid's command-line options.
type Options struct {
	Foreground     bool   // -f, --foreground
	Debug          bool   // -d, --debug
	Syslog         string // --syslog=no|yes|only
	NoUserChecks   bool   // --no-user-checks
	NoVoting       bool   // --no-voting
	YesDoIt        bool   // --yes-do-it
	Help           bool   // -h, --help
	Version        bool   // -V, --version
	HelpCompletion bool   // --help-completion
	// MaxQueuedJobs (goluxid's own --max-queued-jobs) refuses new jobs
	// while the live queue holds that many job files; 0 means no limit.
	MaxQueuedJobs int
	// WarmStart (goluxid's own --warm-start) forks job processes from a
	// helper that has loaded Ganeti's job executor already.
	WarmStart bool
	// Metrics (goluxid's own --metrics=ADDR) serves metrics in the
	// Prometheus format at ADDR: unix:PATH or a loopback HOST:PORT.
	Metrics string
}

// DefaultMaxQueuedJobs is Ganeti's JOB_QUEUE_SIZE_HARD_LIMIT.
const DefaultMaxQueuedJobs = 5000

// ErrNoArguments is Ganeti's complaint about positional arguments.
var ErrNoArguments = errors.New("This program doesn't take any arguments")

// Syslog usage modes.
const (
	SyslogNo   = "no"
	SyslogYes  = "yes"
	SyslogOnly = "only"
)

// shortFlags and longFlags map option names to the boolean they set.
func (o *Options) boolFlags() map[string]*bool {
	return map[string]*bool{
		"f": &o.Foreground, "foreground": &o.Foreground,
		"d": &o.Debug, "debug": &o.Debug,
		"no-user-checks": &o.NoUserChecks,
		"no-voting":      &o.NoVoting,
		"yes-do-it":      &o.YesDoIt,
		"h":              &o.Help, "help": &o.Help,
		"V": &o.Version, "version": &o.Version,
		"help-completion": &o.HelpCompletion,
		"warm-start":      &o.WarmStart,
	}
}

// ParseOptions parses args (without the program name) the way Ganeti's
// daemons do: GNU-style short options that may be bundled (-fd), long
// options, and --syslog with its value after "=" or as the next argument.
func ParseOptions(args []string) (*Options, error) {
	o := &Options{Syslog: SyslogNo, MaxQueuedJobs: DefaultMaxQueuedJobs}
	flags := o.boolFlags()
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			if i+1 < len(args) {
				return nil, ErrNoArguments
			}
			return o, nil
		case strings.HasPrefix(arg, "--"):
			name, value, hasValue := strings.Cut(arg[2:], "=")
			if name == "syslog" || name == "max-queued-jobs" || name == "metrics" {
				if !hasValue {
					if i+1 >= len(args) {
						return nil, fmt.Errorf("option `--%s' requires an argument", name)
					}
					i++
					value = args[i]
				}
				if err := o.setValue(name, value); err != nil {
					return nil, err
				}
				continue
			}
			p, ok := flags[name]
			if !ok || len(name) < 2 {
				return nil, fmt.Errorf("unrecognized option `--%s'", name)
			}
			if hasValue {
				return nil, fmt.Errorf("option `--%s' doesn't allow an argument", name)
			}
			*p = true
		case strings.HasPrefix(arg, "-") && len(arg) > 1:
			for _, c := range arg[1:] {
				p, ok := flags[string(c)]
				if !ok {
					return nil, fmt.Errorf("unrecognized option `-%c'", c)
				}
				*p = true
			}
		default:
			return nil, ErrNoArguments
		}
	}
	return o, nil
}

// setValue sets an option that takes a value.
func (o *Options) setValue(name, v string) error {
	switch name {
	case "syslog":
		return o.setSyslog(v)
	case "metrics":
		if v == "" {
			return fmt.Errorf("option `--metrics' requires an address: unix:PATH or HOST:PORT")
		}
		o.Metrics = v
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("invalid value %q for --%s: expected a number of jobs, 0 for no limit", v, name)
	}
	o.MaxQueuedJobs = n
	return nil
}

func (o *Options) setSyslog(v string) error {
	switch v {
	case SyslogNo, SyslogYes, SyslogOnly:
		o.Syslog = v
		return nil
	}
	return fmt.Errorf("invalid syslog usage value %q: expected one of no, yes, only", v)
}

// Validate checks combinations Ganeti refuses.
func (o *Options) Validate() error {
	if o.NoVoting && !o.YesDoIt {
		return errors.New("The no-voting option is dangerous and cannot be given without providing yes-do-it as well.")
	}
	return nil
}

// Usage is the text of --help.
const Usage = `Usage: ganeti-luxid [OPTION...]
  -h, --help                 Show the help message and exit
  -V, --version              Show the version of the program and exit
      --help-completion      Show the completion information and exit
  -f, --foreground           Don't detach from the current terminal
  -d, --debug                Enable debug messages
      --syslog=SYSLOG        Enable logging to syslog (except debug
                             messages); one of 'no', 'yes' or 'only' [no]
      --no-user-checks       Skip the check of the user the daemon runs as
      --no-voting            Skip the master voting (dangerous)
      --yes-do-it            Confirm a dangerous option
      --max-queued-jobs=N    (goluxid) refuse new jobs while N job files are
                             live; 0 for no limit [5000]
      --warm-start           (goluxid) fork job processes from a helper
                             that has loaded the job executor already
      --metrics=ADDR         (goluxid) serve Prometheus metrics at ADDR:
                             unix:PATH or a loopback HOST:PORT
`

// HelpCompletion is the text of --help-completion: one option a line, as
// Ganeti's bash completion reads it.
const HelpCompletion = `--help
-h
--version
-V
--help-completion
--foreground
-f
--debug
-d
--syslog choices=no,yes,only
--no-user-checks
--no-voting
--yes-do-it
--max-queued-jobs
--warm-start
--metrics
`
