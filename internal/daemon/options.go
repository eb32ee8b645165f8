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
	// ColdStart (goluxid's own --cold-start) starts every job process as
	// a new Python interpreter, as the Haskell luxid does, instead of
	// forking it from a helper that has loaded Ganeti's job executor
	// already (the default).
	ColdStart bool
	// WarmStart (goluxid's own --warm-start) asks for the default start
	// explicitly; it excludes --cold-start.
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

// option is one command-line option.
type option struct {
	short string // its one-letter name, or ""
	long  string
	// flag is the switch an option without a value sets; nil for an
	// option that takes a value, which setValue sets.
	flag func(*Options) *bool
	// completion follows the name on its --help-completion line.
	completion string
}

// options are every command-line option, in the order of --help.
var options = []option{
	{short: "h", long: "help", flag: func(o *Options) *bool { return &o.Help }},
	{short: "V", long: "version", flag: func(o *Options) *bool { return &o.Version }},
	{long: "help-completion", flag: func(o *Options) *bool { return &o.HelpCompletion }},
	{short: "f", long: "foreground", flag: func(o *Options) *bool { return &o.Foreground }},
	{short: "d", long: "debug", flag: func(o *Options) *bool { return &o.Debug }},
	{long: "syslog", completion: "choices=no,yes,only"},
	{long: "no-user-checks", flag: func(o *Options) *bool { return &o.NoUserChecks }},
	{long: "no-voting", flag: func(o *Options) *bool { return &o.NoVoting }},
	{long: "yes-do-it", flag: func(o *Options) *bool { return &o.YesDoIt }},
	{long: "max-queued-jobs"},
	{long: "warm-start", flag: func(o *Options) *bool { return &o.WarmStart }},
	{long: "cold-start", flag: func(o *Options) *bool { return &o.ColdStart }},
	{long: "metrics"},
}

// lookupOption returns the option whose name of the given kind (short
// or long) is name.
func lookupOption(name string, short bool) (option, bool) {
	for _, opt := range options {
		if (short && opt.short == name) || (!short && opt.long == name) {
			return opt, true
		}
	}
	return option{}, false
}

// ParseOptions parses args (without the program name) the way Ganeti's
// daemons do: GNU-style short options that may be bundled (-fd), long
// options, and options with a value after "=" or as the next argument.
func ParseOptions(args []string) (*Options, error) {
	o := &Options{Syslog: SyslogNo, MaxQueuedJobs: DefaultMaxQueuedJobs}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			if i+1 < len(args) {
				return nil, ErrNoArguments
			}
			return o, nil
		case strings.HasPrefix(arg, "--"):
			next, err := o.parseLong(arg[2:], args[i+1:])
			if err != nil {
				return nil, err
			}
			i += next
		case strings.HasPrefix(arg, "-") && len(arg) > 1:
			if err := o.parseShort(arg[1:]); err != nil {
				return nil, err
			}
		default:
			return nil, ErrNoArguments
		}
	}
	return o, nil
}

// parseLong sets the long option arg ("name" or "name=value"), taking
// its value from rest if it needs one and has none, and returns how many
// arguments of rest it used.
func (o *Options) parseLong(arg string, rest []string) (int, error) {
	name, value, hasValue := strings.Cut(arg, "=")
	opt, ok := lookupOption(name, false)
	switch {
	case !ok:
		return 0, fmt.Errorf("unrecognized option `--%s'", name)
	case opt.flag != nil && hasValue:
		return 0, fmt.Errorf("option `--%s' doesn't allow an argument", name)
	case opt.flag != nil:
		*opt.flag(o) = true
		return 0, nil
	case hasValue:
		return 0, o.setValue(name, value)
	case len(rest) == 0:
		return 0, fmt.Errorf("option `--%s' requires an argument", name)
	}
	return 1, o.setValue(name, rest[0])
}

// parseShort sets the bundled short options of letters.
func (o *Options) parseShort(letters string) error {
	for _, c := range letters {
		opt, ok := lookupOption(string(c), true)
		if !ok || opt.flag == nil {
			return fmt.Errorf("unrecognized option `-%c'", c)
		}
		*opt.flag(o) = true
	}
	return nil
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
	if o.WarmStart && o.ColdStart {
		return errors.New("--warm-start and --cold-start exclude each other")
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
                             (the default)
      --cold-start           (goluxid) start every job process as a new
                             Python interpreter
      --metrics=ADDR         (goluxid) serve Prometheus metrics at ADDR:
                             unix:PATH or a loopback HOST:PORT
`

// HelpCompletion is the text of --help-completion: one option a line, as
// Ganeti's bash completion reads it.
var HelpCompletion = helpCompletion()

// helpCompletion lists every option's long name with its completion, then
// its short name.
func helpCompletion() string {
	var b strings.Builder
	for _, opt := range options {
		b.WriteString(strings.TrimSpace("--" + opt.long + " " + opt.completion))
		b.WriteString("\n")
		if opt.short != "" {
			b.WriteString("-" + opt.short + "\n")
		}
	}
	return b.String()
}
