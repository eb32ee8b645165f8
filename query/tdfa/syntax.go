package tdfa

import (
	"slices"

	"github.com/goluxid/goluxid/internal/hsshow"
)

// The TDFA dialect is the POSIX extended syntax as Haskell's regex-tdfa
// (1.3.2) reads it with its default options:
//
//	regex  = branch ("|" branch)*      every branch has at least one piece
//	piece  = (anchor | atom) ("?" | "+" | "*" | "{n}" | "{n,}" | "{n,m}")?
//	anchor = "^" | "$" | "()"
//	atom   = "(" regex ")" | "[" "^"? set "]" | "." | "\" any | other
//
// A "{" that does not start a digit is an ordinary character; a bound that
// does not parse ("{,2}", "{2,1}") leaves its "{" to be read as an atom,
// which then fails unless no digit follows. A backslash escapes any
// character; "\`", "\'", "\<", "\>", "\b" and "\B" are the anchors at the
// start and end of the subject, of a word, and at (not at) a word edge,
// any other escaped character is itself ("\d" is "d", "\n" is "n").
// Inside brackets, backslash is ordinary; "]" first is a member; "a-z" is
// a range (its end must not be below its start); "[:alpha:]" and the
// other POSIX classes are ASCII sets (unknown names are empty), "[=ab=]"
// stands for its characters and "[.x.]" for nothing.
//
// There are no lazy or possessive quantifiers, backreferences, inline
// options or escapes for classes of characters.

// tdfaOp is the kind of a node of a parsed TDFA pattern.
type tdfaOp uint8

const (
	tdfaEmpty  tdfaOp = iota // "()": the empty string
	tdfaChar                 // the character c
	tdfaAny                  // a character of class
	tdfaAssert               // the zero-width test assert
	tdfaGroup                // (subs[0])
	tdfaOr                   // subs[0] | subs[1] | …
	tdfaConcat               // subs[0] subs[1] …
	tdfaRepeat               // subs[0]{min,max}; max < 0 is unbounded
)

// tdfaNode is a node of a parsed TDFA pattern.
type tdfaNode struct {
	op       tdfaOp
	c        rune
	class    *runeClass
	assert   tdfaTest
	subs     []*tdfaNode
	min, max int
}

// tdfaTest is a zero-width test of the TDFA dialect.
type tdfaTest uint8

const (
	tdfaBOL     tdfaTest = iota // ^: start of the subject or after "\n"
	tdfaEOL                     // $: end of the subject or before "\n"
	tdfaBOB                     // \`: start of the subject
	tdfaEOB                     // \': end of the subject
	tdfaBOW                     // \<: a word character follows, none precedes
	tdfaEOW                     // \>: a word character precedes, none follows
	tdfaEdge                    // \b: at one of those
	tdfaNotEdge                 // \B: at neither
)

// tdfaSpecials are the characters that are not atoms by themselves.
const tdfaSpecials = "^.[$()|*+?{\\"

// tdfaEscapeTests are the escaped characters that are tests.
var tdfaEscapeTests = map[rune]tdfaTest{
	'`': tdfaBOB, '\'': tdfaEOB, '<': tdfaBOW, '>': tdfaEOW, 'b': tdfaEdge, 'B': tdfaNotEdge,
}

// SyntaxError is a pattern regex-tdfa refuses. Its text is the one
// regex-tdfa fails with: "parseRegex for Text.Regex.TDFA.String failed:"
// followed by Parsec's error, as Haskell shows it.
type SyntaxError struct {
	msg string
}

func (e *SyntaxError) Error() string { return e.msg }

// parseTDFA parses src, or fails with the text regex-tdfa gives.
func parseTDFA(src string) (*tdfaNode, error) {
	st := pcState{src: []rune(src), pos: pcPos{1, 1}}
	top := pcThen(tdfaRegex, func(n *tdfaNode) pcParser[*tdfaNode] {
		return pcThen(pcEOF, func(struct{}) pcParser[*tdfaNode] { return pcPure(n) })
	})
	r := top(st)
	if !r.ok {
		return nil, &SyntaxError{msg: "parseRegex for Text.Regex.TDFA.String failed:" + r.err.show(src)}
	}
	return r.val, nil
}

// tdfaRegex reads branches separated by "|".
func tdfaRegex(st pcState) pcReply[*tdfaNode] {
	alternative := pcThen(pcChar('|'), func(rune) pcParser[*tdfaNode] { return tdfaBranch })
	return pcThen(tdfaBranch, func(first *tdfaNode) pcParser[*tdfaNode] {
		return pcThen(pcMany(alternative), func(rest []*tdfaNode) pcParser[*tdfaNode] {
			return pcPure(&tdfaNode{op: tdfaOr, subs: append([]*tdfaNode{first}, rest...)})
		})
	})(st)
}

// tdfaBranch reads one or more pieces.
func tdfaBranch(st pcState) pcReply[*tdfaNode] {
	return pcThen(pcMany1(tdfaPiece), func(pieces []*tdfaNode) pcParser[*tdfaNode] {
		return pcPure(&tdfaNode{op: tdfaConcat, subs: pieces})
	})(st)
}

// tdfaPiece reads an anchor or atom and its quantifier.
func tdfaPiece(st pcState) pcReply[*tdfaNode] {
	return pcThen(pcAlt(tdfaAnchor, tdfaAtom), tdfaQuantified)(st)
}

var tdfaAnchor = pcLabel(pcAlt(
	pcThen(pcChar('^'), func(rune) pcParser[*tdfaNode] { return pcPure(tdfaTestNode(tdfaBOL)) }),
	pcThen(pcChar('$'), func(rune) pcParser[*tdfaNode] { return pcPure(tdfaTestNode(tdfaEOL)) }),
	pcTry(pcThen(pcString("()"), func(string) pcParser[*tdfaNode] {
		return pcPure(&tdfaNode{op: tdfaGroup, subs: []*tdfaNode{{op: tdfaEmpty}}})
	}))),
	"empty () or anchor ^ or $")

func tdfaTestNode(t tdfaTest) *tdfaNode { return &tdfaNode{op: tdfaAssert, assert: t} }

// tdfaAtom reads a group, a bracket expression or a character.
func tdfaAtom(st pcState) pcReply[*tdfaNode] {
	return pcLabel(pcAlt(tdfaGroupAtom, tdfaBracket, tdfaCharAtom), "an atom")(st)
}

func tdfaGroupAtom(st pcState) pcReply[*tdfaNode] {
	return pcThen(pcLookAhead(pcChar('(')), func(rune) pcParser[*tdfaNode] {
		return pcThen(pcBetween(pcChar('('), pcChar(')'), tdfaRegex), func(n *tdfaNode) pcParser[*tdfaNode] {
			return pcPure(&tdfaNode{op: tdfaGroup, subs: []*tdfaNode{n}})
		})
	})(st)
}

// tdfaQuantified reads the quantifier, if any, that follows atom.
func tdfaQuantified(atom *tdfaNode) pcParser[*tdfaNode] {
	repeat := func(c rune, min, max int) pcParser[*tdfaNode] {
		return pcThen(pcChar(c), func(rune) pcParser[*tdfaNode] {
			return pcPure(&tdfaNode{op: tdfaRepeat, subs: []*tdfaNode{atom}, min: min, max: max})
		})
	}
	return pcAlt(repeat('?', 0, 1), repeat('+', 1, -1), repeat('*', 0, -1), tdfaBound(atom), pcPure(atom))
}

// tdfaBound reads "{n}", "{n,}" or "{n,m}" with n <= m, or fails without
// consuming.
func tdfaBound(atom *tdfaNode) pcParser[*tdfaNode] {
	spec := pcThen(pcMany1(pcDigit), func(lowDigits []rune) pcParser[*tdfaNode] {
		low := haskellReadInt(lowDigits)
		upper := pcTry(pcThen(pcChar(','), func(rune) pcParser[*int] {
			return pcThen(pcMany(pcDigit), func(highDigits []rune) pcParser[*int] {
				if len(highDigits) == 0 {
					return pcPure[*int](nil)
				}
				high := haskellReadInt(highDigits)
				if low > high {
					return pcZero[*int]
				}
				return pcPure(&high)
			})
		}))
		return pcThen(pcAlt(upper, pcPure(&low)), func(high *int) pcParser[*tdfaNode] {
			return pcPure(tdfaBounded(atom, low, high))
		})
	})
	return pcTry(pcBetween(pcChar('{'), pcChar('}'), spec))
}

// tdfaBounded repeats atom from low to high (nil: unbounded) times. A
// negative low (a bound beyond 2^63 that wrapped) and an upper bound of 0
// leave the empty string, as regex-tdfa has it.
func tdfaBounded(atom *tdfaNode, low int, high *int) *tdfaNode {
	if low < 0 || (high != nil && *high == 0) {
		return &tdfaNode{op: tdfaEmpty}
	}
	max := -1
	if high != nil {
		max = *high
	}
	return &tdfaNode{op: tdfaRepeat, subs: []*tdfaNode{atom}, min: low, max: max}
}

// haskellReadInt reads digits as Haskell's read does into a 64-bit Int:
// modulo 2^64.
func haskellReadInt(digits []rune) int {
	var n uint64
	for _, d := range digits {
		n = n*10 + uint64(d-'0')
	}
	return int(int64(n))
}

// tdfaCharAtom reads ".", a "{" not followed by a digit, an escaped
// character or an ordinary one.
func tdfaCharAtom(st pcState) pcReply[*tdfaNode] {
	return pcAlt(
		pcThen(pcChar('.'), func(rune) pcParser[*tdfaNode] {
			return pcPure(&tdfaNode{op: tdfaAny, class: newlineClass.negated()})
		}),
		pcTry(pcThen(pcChar('{'), func(rune) pcParser[*tdfaNode] {
			return pcThen(pcNotFollowedBy(pcDigit), func(struct{}) pcParser[*tdfaNode] {
				return pcPure(&tdfaNode{op: tdfaChar, c: '{'})
			})
		})),
		pcThen(pcChar('\\'), func(rune) pcParser[*tdfaNode] {
			return pcThen(pcAnyChar, func(c rune) pcParser[*tdfaNode] {
				if t, ok := tdfaEscapeTests[c]; ok {
					return pcPure(tdfaTestNode(t))
				}
				return pcPure(&tdfaNode{op: tdfaChar, c: c})
			})
		}),
		pcThen(pcNoneOf(tdfaSpecials), func(c rune) pcParser[*tdfaNode] {
			return pcPure(&tdfaNode{op: tdfaChar, c: c})
		}),
	)(st)
}

// tdfaBracket reads a bracket expression after its "[".
func tdfaBracket(st pcState) pcReply[*tdfaNode] {
	return pcThen(pcChar('['), func(rune) pcParser[*tdfaNode] {
		return pcAlt(pcThen(pcChar('^'), func(rune) pcParser[*tdfaNode] { return tdfaSet(true) }), tdfaSet(false))
	})(st)
}

// tdfaElem is one member of a bracket expression: the characters it
// stands for, and for a range its ends.
type tdfaElem struct {
	ranges     []rune
	start, end rune
	isRange    bool
}

// tdfaSet reads the members of a bracket expression and its "]". A
// negated set never matches a newline.
func tdfaSet(negated bool) pcParser[*tdfaNode] {
	closing := pcThen(pcChar(']'), func(rune) pcParser[bool] { return pcPure(true) })
	return pcThen(pcAlt(closing, pcPure(false)), func(leadingBracket bool) pcParser[*tdfaNode] {
		members := pcMany1(tdfaSetElem)
		if leadingBracket {
			members = pcMany(tdfaSetElem)
		}
		return pcThen(members, func(elems []tdfaElem) pcParser[*tdfaNode] {
			return pcThen(pcChar(']'), func(rune) pcParser[*tdfaNode] {
				var ranges []rune
				if leadingBracket {
					ranges = append(ranges, ']', ']')
				}
				for _, e := range elems {
					ranges = append(ranges, e.ranges...)
				}
				class := newRuneClass(ranges)
				if negated {
					class = newRuneClass(append(ranges, '\n', '\n')).negated()
				}
				return pcPure(&tdfaNode{op: tdfaAny, class: class})
			})
		})
	})
}

// tdfaSetElem reads one member of a bracket expression.
func tdfaSetElem(st pcState) pcReply[tdfaElem] {
	delimited := func(open, close, stop string) pcParser[[]rune] {
		return pcTry(pcBetween(pcString(open), pcString(close), pcMany1(pcNoneOf(stop))))
	}
	class := pcThen(delimited("[:", ":]", ":]"), func(name []rune) pcParser[tdfaElem] {
		return pcPure(tdfaElem{ranges: posixClassRanges[string(name)]})
	})
	equivalence := pcThen(delimited("[=", "=]", "=]"), func(chars []rune) pcParser[tdfaElem] {
		var ranges []rune
		for _, c := range chars {
			ranges = append(ranges, c, c)
		}
		return pcPure(tdfaElem{ranges: ranges})
	})
	collating := pcThen(delimited("[.", ".]", ".]"), func([]rune) pcParser[tdfaElem] {
		return pcPure(tdfaElem{})
	})
	rangeElem := pcTry(pcThen(pcNoneOf("]"), func(start rune) pcParser[tdfaElem] {
		return pcThen(pcChar('-'), func(rune) pcParser[tdfaElem] {
			return pcThen(pcNoneOf("]"), func(end rune) pcParser[tdfaElem] {
				return pcPure(tdfaElem{ranges: []rune{start, end}, start: start, end: end, isRange: true})
			})
		})
	}))
	single := pcThen(pcNoneOf("]"), func(c rune) pcParser[tdfaElem] {
		return pcPure(tdfaElem{ranges: []rune{c, c}})
	})
	elem := pcAlt(class, equivalence, collating, rangeElem, single,
		pcFail[tdfaElem]("Failed to parse bracketed string"), pcZero[tdfaElem])
	return pcThen(elem, checkTDFARange)(st)
}

// checkTDFARange fails a range whose end is below its start.
func checkTDFARange(e tdfaElem) pcParser[tdfaElem] {
	if e.isRange && e.start > e.end {
		return pcFail[tdfaElem]("End point " + hsshow.Char(e.end) +
			" of dashed character range is less than starting point " + hsshow.Char(e.start))
	}
	return pcPure(e)
}

// posixClassRanges are the POSIX classes of bracket expressions, as ranges.
var posixClassRanges = map[string][]rune{
	"alnum":  {'0', '9', 'A', 'Z', 'a', 'z'},
	"digit":  {'0', '9'},
	"punct":  {'!', '/', ':', '@', '[', '`', '{', '~'},
	"alpha":  {'A', 'Z', 'a', 'z'},
	"graph":  {')', '~'},
	"space":  {'\t', '\r', ' ', ' '},
	"blank":  {'\t', '\t', ' ', ' '},
	"lower":  {'a', 'z'},
	"upper":  {'A', 'Z'},
	"cntrl":  {0, 0x1f, 0x7f, 0x7f},
	"print":  {' ', '~'},
	"xdigit": {'0', '9', 'A', 'F', 'a', 'f'},
	"word":   {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'},
}

// runeClass is a set of characters: sorted, disjoint, non-adjacent
// ranges as pairs of bounds.
type runeClass struct {
	ranges []rune
}

// newlineClass holds only "\n".
var newlineClass = newRuneClass([]rune{'\n', '\n'})

// newRuneClass makes a class of the ranges given as pairs in any order.
func newRuneClass(pairs []rune) *runeClass {
	type span struct{ lo, hi rune }
	spans := make([]span, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		spans = append(spans, span{pairs[i], pairs[i+1]})
	}
	slices.SortFunc(spans, func(a, b span) int { return int(a.lo - b.lo) })
	var ranges []rune
	for _, s := range spans {
		if n := len(ranges); n > 0 && s.lo <= ranges[n-1]+1 {
			ranges[n-1] = max(ranges[n-1], s.hi)
			continue
		}
		ranges = append(ranges, s.lo, s.hi)
	}
	return &runeClass{ranges: ranges}
}

// negated returns the class of every character not in c.
func (c *runeClass) negated() *runeClass {
	var ranges []rune
	next := rune(0)
	for i := 0; i < len(c.ranges); i += 2 {
		if c.ranges[i] > next {
			ranges = append(ranges, next, c.ranges[i]-1)
		}
		next = c.ranges[i+1] + 1
	}
	if next <= maxHaskellChar {
		ranges = append(ranges, next, maxHaskellChar)
	}
	return &runeClass{ranges: ranges}
}

// maxHaskellChar is the largest Char.
const maxHaskellChar = 0x10ffff

// contains reports whether r is in the class.
func (c *runeClass) contains(r rune) bool {
	i, found := slices.BinarySearch(c.ranges, r)
	return found || i%2 == 1
}
