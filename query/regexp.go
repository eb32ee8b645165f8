package query

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/dlclark/regexp2/syntax"
	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/internal/hsshow"
)

// DefaultMatchTimeout bounds one regular expression match. PCRE patterns
// can backtrack for ages on a short subject ("(a+)+$"); a query that runs
// into the bound fails instead of stalling the daemon.
const DefaultMatchTimeout = 250 * time.Millisecond

// regexpOptions give PCRE's behaviour as luxid compiles it: multiline, and
// ASCII-only \d \w \s, POSIX classes and (?P<name>) as in PCRE.
const regexpOptions = regexp2.Multiline | regexp2.RE2

// RegexpDialect is the language of the regular expressions of =~, which
// differs between Ganeti releases: luxid compiles them with the library
// its release was built with.
type RegexpDialect uint8

const (
	// RegexpPCRE is Ganeti 3.0's dialect: Perl-compatible, as libpcre 8
	// reads it through Haskell's regex-pcre.
	RegexpPCRE RegexpDialect = iota
	// RegexpTDFA is Ganeti 3.1's dialect: POSIX extended, as Haskell's
	// regex-tdfa reads it.
	RegexpTDFA
)

// Regexp is the compiled expression of a =~ leaf. Matching is a search
// anywhere in the subject, bounded in time.
type Regexp struct {
	src     string
	timeout time.Duration
	re      *regexp2.Regexp
	tdfa    *tdfaRegexp
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
		re, err := compileTDFA(src)
		if err != nil {
			return nil, err
		}
		return &Regexp{src: src, timeout: timeout, tdfa: re}, nil
	}
	re, err := regexp2.Compile(src, regexpOptions)
	if err != nil {
		return nil, &ParseError{Msg: pcreError(src, err)}
	}
	re.MatchTimeout = timeout
	return &Regexp{src: src, timeout: timeout, re: re}, nil
}

// String returns the expression's source.
func (r *Regexp) String() string {
	if r == nil {
		return ""
	}
	return r.src
}

// MatchString reports whether the expression matches somewhere in s. A
// match that times out is a GenericError failing the query.
func (r *Regexp) MatchString(s string) (bool, error) {
	if r.tdfa != nil {
		deadline := time.Now().Add(r.timeout)
		ok, err := r.tdfa.match(s, func() error {
			if time.Now().After(deadline) {
				return r.tooLong()
			}
			return nil
		})
		if errors.Is(err, errTDFATooLarge) {
			return false, gerrors.Generic("Regular expression '%s' is too large to match", r.src)
		}
		return ok, err
	}
	ok, err := r.re.MatchString(s)
	if err != nil {
		return false, r.tooLong()
	}
	return ok, nil
}

// tooLong is the error of a match that ran into the timeout.
func (r *Regexp) tooLong() error {
	return gerrors.Generic("Matching regular expression '%s' took longer than %v", r.src, r.timeout)
}

// pcreMessages maps regexp2's syntax errors to the text libpcre gives for
// the same mistake.
var pcreMessages = map[syntax.ErrorCode]string{
	syntax.ErrMissingParen:          "missing )",
	syntax.ErrUnexpectedParen:       "unmatched parentheses",
	syntax.ErrUnterminatedBracket:   "missing terminating ] for character class",
	syntax.ErrIllegalEndEscape:      `\ at end of pattern`,
	syntax.ErrMissingRepeatArgument: "nothing to repeat",
	syntax.ErrInvalidRepeatOp:       "nothing to repeat",
	syntax.ErrReversedCharRange:     "range out of order in character class",
	syntax.ErrInvalidRepeatSize:     "numbers out of order in {} quantifier",
	syntax.ErrUndefinedBackRef:      "reference to non-existent subpattern",
	syntax.ErrUndefinedNameRef:      "reference to non-existent subpattern",
	syntax.ErrUnrecognizedGrouping:  "unrecognized character after (? or (?-",
	syntax.ErrInvalidGroupName:      "syntax error in subpattern name (missing terminator)",
	syntax.ErrUnterminatedComment:   "missing ) after comment",
	syntax.ErrMalformedSlashP:       `malformed \P or \p sequence`,
	syntax.ErrIncompleteSlashP:      `malformed \P or \p sequence`,
	syntax.ErrUnknownSlashP:         `unknown property name after \P or \p`,
	syntax.ErrTooManyAlternates:     "conditional group contains more than two branches",
	syntax.ErrCapNumNotZero:         "a numbered reference must not be zero",
	syntax.ErrMissingControl:        `\c at end of pattern`,
}

// pcreError renders a compile error as Haskell shows regex-pcre's
// (offset, message) pair. The offset is exact where PCRE detects the
// error at the end of the pattern or at an unmatched ")"; otherwise it is
// the pattern's length.
func pcreError(src string, err error) string {
	msg, code := err.Error(), syntax.ErrorCode("")
	if se, ok := err.(*syntax.Error); ok {
		code = se.Code
		msg = se.Code.String()
		if len(se.Args) > 0 {
			msg = fmt.Sprintf(msg, se.Args...)
		}
	}
	if pcre, ok := pcreMessages[code]; ok {
		msg = pcre
	}
	offset := len(src)
	if code == syntax.ErrUnexpectedParen {
		offset = unmatchedParen(src)
	}
	return "(" + strconv.Itoa(offset) + "," + hsshow.String(msg) + ")"
}

// unmatchedParen returns the byte offset of the first ")" that closes no
// group, skipping escapes and character classes; len(src) if none.
func unmatchedParen(src string) int {
	depth, inClass := 0, false
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
			if i+1 < len(src) && src[i+1] == ']' {
				i++ // a leading "]" is a literal
			}
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return len(src)
}
