package tdfa

import (
	"slices"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/internal/hsshow"
)

// The TDFA dialect's syntax errors are those of a Parsec parser (Haskell's
// parsec 3.1.16): which alternatives were tried where, which labels they
// carry, and how the errors of the alternatives are merged decide the
// text. The combinators below follow Parsec's rules, so that the grammar
// in syntax.go, written in their terms, fails with the same position
// and messages:
//
//   - a parser either consumes input or not, and succeeds or fails;
//     an alternative is tried only when the previous one failed without
//     consuming;
//   - every reply carries an error (possibly "unknown", without messages)
//     saying what could have come next at its position; sequencing and
//     alternatives merge these errors, keeping the one that got further,
//     or both lists when they are at the same position;
//   - a label replaces the "expecting" messages of a parser that did not
//     consume.

// pcPos is a Parsec source position: line and column, both from 1.
type pcPos struct{ line, col int }

// advance returns the position after c: a newline starts a line, a tab
// moves to the next multiple of 8 plus 1.
func (p pcPos) advance(c rune) pcPos {
	switch c {
	case '\n':
		return pcPos{p.line + 1, 1}
	case '\t':
		return pcPos{p.line, p.col + 8 - (p.col-1)%8}
	}
	return pcPos{p.line, p.col + 1}
}

// compare orders positions by line, then column.
func (p pcPos) compare(q pcPos) int {
	if p.line != q.line {
		return p.line - q.line
	}
	return p.col - q.col
}

// pcMsgKind is the kind of an error message, in the order Parsec shows
// them.
type pcMsgKind uint8

const (
	pcSysUnexpect pcMsgKind = iota // what the input had instead ("" is its end)
	pcUnexpect                     // an explicit "unexpected"
	pcExpect                       // what a label said could come
	pcMessage                      // a failure's own text
)

// pcMsg is one message of a parse error.
type pcMsg struct {
	kind pcMsgKind
	text string
}

// pcError is a parse error: a position and its messages; without
// messages it is "unknown".
type pcError struct {
	pos  pcPos
	msgs []pcMsg
}

func pcErrorAt(pos pcPos, kind pcMsgKind, text string) pcError {
	return pcError{pos: pos, msgs: []pcMsg{{kind, text}}}
}

func (e pcError) unknown() bool { return len(e.msgs) == 0 }

// mergeErrors combines the errors of two parsers tried at the same place:
// a known error beats an unknown one, the further position wins, and at
// the same position the messages of both count.
func mergeErrors(a, b pcError) pcError {
	switch {
	case b.unknown() && !a.unknown():
		return a
	case a.unknown() && !b.unknown():
		return b
	}
	switch c := a.pos.compare(b.pos); {
	case c > 0:
		return a
	case c < 0:
		return b
	}
	return pcError{pos: a.pos, msgs: slices.Concat(a.msgs, b.msgs)}
}

// expecting replaces e's "expecting" messages with label.
func (e pcError) expecting(label string) pcError {
	msgs := make([]pcMsg, 1, len(e.msgs)+1)
	msgs[0] = pcMsg{pcExpect, label}
	for _, m := range e.msgs {
		if m.kind != pcExpect {
			msgs = append(msgs, m)
		}
	}
	return pcError{pos: e.pos, msgs: msgs}
}

// show renders e as Haskell shows a ParseError of the source called
// name: the position, then one line per kind of message.
func (e pcError) show(name string) string {
	var b strings.Builder
	if name != "" {
		b.WriteString(`"` + name + `" `)
	}
	b.WriteString("(line " + strconv.Itoa(e.pos.line) + ", column " + strconv.Itoa(e.pos.col) + "):")
	if e.unknown() {
		b.WriteString("unknown parse error")
		return b.String()
	}
	var byKind [4][]string
	for _, m := range e.msgs {
		byKind[m.kind] = append(byKind[m.kind], m.text)
	}
	var sys string
	if len(byKind[pcUnexpect]) == 0 && len(byKind[pcSysUnexpect]) > 0 {
		sys = "unexpected " + orElse(byKind[pcSysUnexpect][0], "end of input")
	}
	lines := []string{sys,
		showMany("unexpected", byKind[pcUnexpect]),
		showMany("expecting", byKind[pcExpect]),
		showMany("", byKind[pcMessage])}
	for _, line := range nubNonEmpty(lines) {
		b.WriteString("\n" + line)
	}
	return b.String()
}

// orElse returns s, or otherwise if s is empty.
func orElse(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// showMany renders messages as "pre a, b or c".
func showMany(pre string, texts []string) string {
	texts = nubNonEmpty(texts)
	if len(texts) == 0 {
		return ""
	}
	list := texts[len(texts)-1]
	if len(texts) > 1 {
		list = strings.Join(texts[:len(texts)-1], ", ") + " or " + list
	}
	if pre == "" {
		return list
	}
	return pre + " " + list
}

// nubNonEmpty drops empty strings and repetitions, keeping the order.
func nubNonEmpty(texts []string) []string {
	var out []string
	for _, t := range texts {
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// pcState is where a parser stands in its input.
type pcState struct {
	src []rune
	i   int
	pos pcPos
}

// pcReply is the outcome of a parser: consumed says whether it took input,
// ok whether it succeeded (with val, continuing at st).
type pcReply[T any] struct {
	val      T
	st       pcState
	err      pcError
	consumed bool
	ok       bool
}

// pcParser parses from a state.
type pcParser[T any] func(st pcState) pcReply[T]

// pcPure succeeds with x without consuming.
func pcPure[T any](x T) pcParser[T] {
	return func(st pcState) pcReply[T] {
		return pcReply[T]{val: x, st: st, err: pcError{pos: st.pos}, ok: true}
	}
}

// pcFail fails with a message, without consuming.
func pcFail[T any](msg string) pcParser[T] {
	return func(st pcState) pcReply[T] {
		return pcReply[T]{st: st, err: pcErrorAt(st.pos, pcMessage, msg)}
	}
}

// pcZero fails with an unknown error, without consuming.
func pcZero[T any](st pcState) pcReply[T] {
	return pcReply[T]{st: st, err: pcError{pos: st.pos}}
}

// pcThen runs p, then the parser k makes of its result; the errors of a
// second parser that consumes nothing are merged with the first's.
func pcThen[A, B any](p pcParser[A], k func(A) pcParser[B]) pcParser[B] {
	return func(st pcState) pcReply[B] {
		r := p(st)
		if !r.ok {
			return pcReply[B]{st: r.st, err: r.err, consumed: r.consumed}
		}
		r2 := k(r.val)(r.st)
		if r2.consumed {
			return r2
		}
		if !r.err.unknown() {
			r2.err = mergeErrors(r.err, r2.err)
		}
		r2.consumed = r.consumed
		return r2
	}
}

// pcAlt tries the parsers in turn while they fail without consuming.
func pcAlt[T any](ps ...pcParser[T]) pcParser[T] {
	return func(st pcState) pcReply[T] {
		var r pcReply[T]
		for i, p := range ps {
			prev := r.err
			r = p(st)
			if r.consumed {
				return r
			}
			if i > 0 {
				r.err = mergeErrors(prev, r.err)
			}
			if r.ok {
				return r
			}
		}
		return r
	}
}

// pcLabel names what p expects when it fails without consuming.
func pcLabel[T any](p pcParser[T], label string) pcParser[T] {
	return func(st pcState) pcReply[T] {
		r := p(st)
		if !r.consumed && (!r.ok || !r.err.unknown()) {
			r.err = r.err.expecting(label)
		}
		return r
	}
}

// pcTry makes a failure of p after consuming a failure without consuming.
func pcTry[T any](p pcParser[T]) pcParser[T] {
	return func(st pcState) pcReply[T] {
		r := p(st)
		if !r.ok {
			r.consumed = false
		}
		return r
	}
}

// pcLookAhead runs p and, if it succeeds, stays where it started.
func pcLookAhead[T any](p pcParser[T]) pcParser[T] {
	return func(st pcState) pcReply[T] {
		r := p(st)
		if !r.ok {
			return r
		}
		return pcReply[T]{val: r.val, st: st, err: pcError{pos: st.pos}, ok: true}
	}
}

// pcMany runs p as often as it succeeds; p must consume when it succeeds.
func pcMany[T any](p pcParser[T]) pcParser[[]T] {
	return func(st pcState) pcReply[[]T] {
		var xs []T
		consumed := false
		for {
			r := p(st)
			switch {
			case r.consumed && r.ok:
				xs, st, consumed = append(xs, r.val), r.st, true
			case r.consumed:
				return pcReply[[]T]{st: r.st, err: r.err, consumed: true}
			case r.ok:
				panic("tdfa: many applied to a parser that accepts an empty string")
			default:
				return pcReply[[]T]{val: xs, st: st, err: r.err, consumed: consumed, ok: true}
			}
		}
	}
}

// pcMany1 runs p at least once, then as often as it succeeds.
func pcMany1[T any](p pcParser[T]) pcParser[[]T] {
	return pcThen(p, func(x T) pcParser[[]T] {
		return pcThen(pcMany(p), func(xs []T) pcParser[[]T] {
			return pcPure(append([]T{x}, xs...))
		})
	})
}

// pcBetween runs open, p and close, and returns p's result.
func pcBetween[O, C, T any](open pcParser[O], close pcParser[C], p pcParser[T]) pcParser[T] {
	return pcThen(open, func(O) pcParser[T] {
		return pcThen(p, func(x T) pcParser[T] {
			return pcThen(close, func(C) pcParser[T] { return pcPure(x) })
		})
	})
}

// pcSatisfy takes one character for which ok holds.
func pcSatisfy(ok func(rune) bool) pcParser[rune] {
	return func(st pcState) pcReply[rune] {
		if st.i >= len(st.src) {
			return pcReply[rune]{st: st, err: pcErrorAt(st.pos, pcSysUnexpect, "")}
		}
		c := st.src[st.i]
		if !ok(c) {
			return pcReply[rune]{st: st, err: pcErrorAt(st.pos, pcSysUnexpect, hsshow.String(string(c)))}
		}
		next := pcState{src: st.src, i: st.i + 1, pos: st.pos.advance(c)}
		return pcReply[rune]{val: c, st: next, err: pcError{pos: next.pos}, consumed: true, ok: true}
	}
}

// pcChar takes the character c.
func pcChar(c rune) pcParser[rune] {
	return pcLabel(pcSatisfy(func(r rune) bool { return r == c }), hsshow.String(string(c)))
}

// pcNoneOf takes a character not in set.
func pcNoneOf(set string) pcParser[rune] {
	return pcSatisfy(func(r rune) bool { return !strings.ContainsRune(set, r) })
}

// pcAnyChar takes any character.
var pcAnyChar = pcSatisfy(func(rune) bool { return true })

// pcDigit takes an ASCII digit.
var pcDigit = pcLabel(pcSatisfy(isASCIIDigit), "digit")

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

// pcString takes the characters of s; a mismatch is reported where s
// started.
func pcString(s string) pcParser[string] {
	want := []rune(s)
	return func(st pcState) pcReply[string] {
		fail := func(consumed bool, at int) pcReply[string] {
			found := ""
			if at < len(st.src) {
				found = hsshow.String(string(st.src[at]))
			}
			err := pcErrorAt(st.pos, pcSysUnexpect, found).expecting(hsshow.String(s))
			return pcReply[string]{st: st, err: err, consumed: consumed}
		}
		next := st
		for k, c := range want {
			if next.i >= len(st.src) || st.src[next.i] != c {
				return fail(k > 0, next.i)
			}
			next = pcState{src: st.src, i: next.i + 1, pos: next.pos.advance(c)}
		}
		return pcReply[string]{val: s, st: next, err: pcError{pos: next.pos}, consumed: true, ok: true}
	}
}

// pcUnexpected fails saying what it found, without consuming.
func pcUnexpected[T any](what string) pcParser[T] {
	return func(st pcState) pcReply[T] {
		return pcReply[T]{st: st, err: pcErrorAt(st.pos, pcUnexpect, what)}
	}
}

// pcNotFollowedBy succeeds, without consuming, where p fails.
func pcNotFollowedBy(p pcParser[rune]) pcParser[struct{}] {
	return pcTry(pcAlt(
		pcThen(pcTry(p), func(c rune) pcParser[struct{}] { return pcUnexpected[struct{}](hsshow.Char(c)) }),
		pcPure(struct{}{})))
}

// pcAnyToken takes any character without moving the position, as
// Parsec's anyToken does.
func pcAnyToken(st pcState) pcReply[rune] {
	if st.i >= len(st.src) {
		return pcReply[rune]{st: st, err: pcErrorAt(st.pos, pcSysUnexpect, "")}
	}
	next := pcState{src: st.src, i: st.i + 1, pos: st.pos}
	return pcReply[rune]{val: st.src[st.i], st: next, err: pcError{pos: st.pos}, consumed: true, ok: true}
}

// pcEOF succeeds at the end of the input.
var pcEOF = pcLabel(pcNotFollowedBy(pcAnyToken), "end of input")
