package query

import (
	"errors"
	"time"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/query/pcre"
	"github.com/goluxid/goluxid/query/tdfa"
)

// DefaultMatchTimeout bounds one regular expression match. PCRE patterns
// can backtrack for ages on a short subject ("(a+)+$"); a query that runs
// into the bound fails instead of stalling the daemon.
const DefaultMatchTimeout = 250 * time.Millisecond

// RegexpDialect is the language of the regular expressions of =~, which
// differs between Ganeti releases: luxid compiles them with the library
// its release was built with.
type RegexpDialect uint8

const (
	// RegexpPCRE is Ganeti 3.0's dialect: Perl-compatible, as libpcre 8
	// reads it through Haskell's regex-pcre (package pcre).
	RegexpPCRE RegexpDialect = iota
	// RegexpTDFA is Ganeti 3.1's dialect: POSIX extended, as Haskell's
	// regex-tdfa reads it (package tdfa).
	RegexpTDFA
)

// ReleaseRegexpDialect returns the dialect of the Ganeti release whose
// major.minor is dir ("3.0", "3.1"): Ganeti 3.0's luxid is built with
// regex-pcre, later releases' with regex-tdfa.
func ReleaseRegexpDialect(dir string) RegexpDialect {
	if dir == "3.0" {
		return RegexpPCRE
	}
	return RegexpTDFA
}

// Regexp is the compiled expression of a =~ leaf. Matching is a search
// anywhere in the subject, bounded in time.
type Regexp struct {
	src     string
	timeout time.Duration
	pcre    *pcre.Regexp
	tdfa    *tdfa.Regexp
}

// CompileRegexp compiles src in dialect; a match running longer than
// timeout (if positive, else DefaultMatchTimeout) fails. A syntax error is
// a *ParseError with the text of the dialect's library: PCRE's
// (offset,"message"), e.g. (1,"missing )"), or regex-tdfa's parse error.
func CompileRegexp(src string, dialect RegexpDialect, timeout time.Duration) (*Regexp, error) {
	if timeout <= 0 {
		timeout = DefaultMatchTimeout
	}
	if dialect == RegexpTDFA {
		re, err := tdfa.Compile(src)
		if err != nil {
			return nil, &ParseError{Msg: err.Error()}
		}
		return &Regexp{src: src, timeout: timeout, tdfa: re}, nil
	}
	re, err := pcre.Compile(src)
	if err != nil {
		return nil, &ParseError{Msg: err.Error()}
	}
	return &Regexp{src: src, timeout: timeout, pcre: re}, nil
}

// String returns the expression's source.
func (r *Regexp) String() string {
	if r == nil {
		return ""
	}
	return r.src
}

// MatchString reports whether the expression matches somewhere in s. A
// match that times out, or that the real luxid could not finish either
// (a recursion looping, repetitions too large to unroll), is a
// GenericError failing the query.
func (r *Regexp) MatchString(s string) (bool, error) {
	var ok bool
	var err error
	if r.pcre != nil {
		ok, err = r.pcre.Match(s, r.timeout)
	} else {
		ok, err = r.tdfa.Match(s, r.timeout)
	}
	switch {
	case err == nil:
		return ok, nil
	case errors.Is(err, pcre.ErrTimeout), errors.Is(err, tdfa.ErrTimeout):
		return false, gerrors.Generic("Matching regular expression '%s' took longer than %v", r.src, r.timeout)
	case errors.Is(err, tdfa.ErrTooLarge):
		return false, gerrors.Generic("Regular expression '%s' is too large to match", r.src)
	case errors.Is(err, pcre.ErrRecursionLoop):
		return false, gerrors.Generic("Matching regular expression '%s' failed: query: recursive call could loop indefinitely", r.src)
	}
	return false, gerrors.Generic("Matching regular expression '%s' failed: %v", r.src, err)
}
