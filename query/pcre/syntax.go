package pcre

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goluxid/goluxid/internal/hsshow"
)

// PCRE reads a pattern twice. The first pass checks the syntax, counts
// the capturing groups and collects the group names; the second resolves
// references by name and number, checks that lookbehinds have a fixed
// length and that recursions cannot loop. An error of the first pass
// anywhere in the pattern wins over any error of the second. The parser
// below makes the same two passes over the same grammar, in the same
// order, so that the first error it meets is the one PCRE reports, at the
// same offset: where PCRE's scan stood when it noticed.

// pcreErrorCode numbers libpcre's compile errors.
type pcreErrorCode int

// pcreMessages are libpcre 8.39's compile error texts, by code.
var pcreMessages = [...]string{
	0:  "no error",
	1:  `\ at end of pattern`,
	2:  `\c at end of pattern`,
	3:  `unrecognized character follows \`,
	4:  "numbers out of order in {} quantifier",
	5:  "number too big in {} quantifier",
	6:  "missing terminating ] for character class",
	7:  "invalid escape sequence in character class",
	8:  "range out of order in character class",
	9:  "nothing to repeat",
	12: "unrecognized character after (? or (?-",
	13: "POSIX named classes are supported only within a class",
	14: "missing )",
	15: "reference to non-existent subpattern",
	18: "missing ) after comment",
	20: "regular expression is too large",
	22: "unmatched parentheses",
	24: "unrecognized character after (?<",
	25: "lookbehind assertion is not fixed length",
	26: "malformed number or name after (?(",
	27: "conditional group contains more than two branches",
	28: "assertion expected after (?( or (?(?C)",
	29: "(?R or (?[+-]digits must be followed by )",
	30: "unknown POSIX class name",
	31: "POSIX collating elements are not supported",
	34: `character value in \x{} or \o{} is too large`,
	35: "invalid condition (?(0)",
	36: `\C not allowed in lookbehind assertion`,
	37: `PCRE does not support \L, \l, \N{name}, \U, or \u`,
	38: "number after (?C is > 255",
	39: "closing ) for (?C expected",
	40: "recursive call could loop indefinitely",
	41: "unrecognized character after (?P",
	42: "syntax error in subpattern name (missing terminator)",
	43: "two named subpatterns have the same name",
	44: "invalid UTF-8 string",
	46: `malformed \P or \p sequence`,
	47: `unknown property name after \P or \p`,
	48: "subpattern name is too long (maximum 32 characters)",
	51: `octal value is greater than \377 in 8-bit non-UTF-8 mode`,
	54: "DEFINE group contains more than one branch",
	57: `\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number`,
	58: "a numbered reference must not be zero",
	59: "an argument is not allowed for (*ACCEPT), (*FAIL), or (*COMMIT)",
	60: "(*VERB) not recognized or malformed",
	61: "number is too big",
	62: "subpattern name expected",
	63: "digit expected after (?+",
	65: "different names for subpatterns of the same number are not allowed",
	66: "(*MARK) must have an argument",
	68: `\c must be followed by an ASCII character`,
	69: `\k is not followed by a braced, angle-bracketed, or quoted name`,
	71: `\N is not supported in a class`,
	73: "disallowed Unicode code point (>= 0xd800 && <= 0xdfff)",
	75: "name is too long in (*MARK), (*PRUNE), (*SKIP), or (*THEN)",
	79: `non-hex character in \x{} (closing brace missing?)`,
	80: `non-octal character in \o{} (closing brace missing?)`,
	81: `missing opening brace after \o`,
	82: "parentheses are too deeply nested",
	83: "invalid range in character class",
	84: "group name must start with a non-digit",
	86: `digits missing in \x{} or \o{}`,
}

// SyntaxError is a compile error at a byte offset of the pattern. Its
// text is libpcre's as Haskell shows the pair: (offset,"message").
type SyntaxError struct {
	code   pcreErrorCode
	offset int
}

func (e *SyntaxError) Error() string {
	return "(" + strconv.Itoa(e.offset) + "," + hsshow.String(pcreMessages[e.code]) + ")"
}

// pcreOptions are the options a pattern can change as it goes.
type pcreOptions struct {
	caseless, multiline, dotall, extended, ungreedy, extra, dupnames bool
}

// pcreOp is the kind of a node of a parsed PCRE pattern.
type pcreOp uint8

const (
	pxEmpty      pcreOp = iota
	pxChar              // the unit c (caseless: either case)
	pxSet               // a unit of set
	pxAssert            // the zero-width test assert
	pxGroup             // subs[0], capturing n if n > 0
	pxAlt               // subs[0] | subs[1] | …
	pxConcat            // subs[0] subs[1] …
	pxRepeat            // subs[0]{min,max}, max < 0 unbounded
	pxBackref           // what group n (or the first set of groups) matched
	pxLook              // lookahead or lookbehind (behind) of subs (negated: not)
	pxAtomic            // subs[0], never backtracked into
	pxCond              // if cond then subs[0] else subs[1] (if any)
	pxRecurse           // group n's pattern (0: the whole), atomically
	pxVerb              // a backtracking verb
	pxNewlineSeq        // \R
	pxGrapheme          // \X
	pxAny               // any unit but a newline (dotall: any; byteUnit: one byte)
)

// pcreTest is a zero-width test.
type pcreTest uint8

const (
	pcreBOL          pcreTest = iota // ^ (multiline: also after a newline not ending the subject)
	pcreEOL                          // $ (multiline: also before any newline)
	pcreStart                        // \A
	pcreEndOrNewline                 // \Z: end, or before a newline that ends the subject
	pcreEnd                          // \z
	pcreWordEdge                     // \b
	pcreNotWordEdge                  // \B
)

// pcreCondKind is what a conditional group tests.
type pcreCondKind uint8

const (
	pcreCondGroup     pcreCondKind = iota // group n (or one of groups) is set
	pcreCondRecursion                     // inside a recursion (into group n if n > 0)
	pcreCondDefine                        // never: the group only defines subroutines
	pcreCondAssert                        // the assertion cond matches
)

// pcreVerbKind is a backtracking control verb.
type pcreVerbKind uint8

const (
	pcreAccept pcreVerbKind = iota
	pcreFail
	pcreCommit
	pcrePrune
	pcreSkip
	pcreThen
	pcreMark
)

// pcreNode is a node of a parsed PCRE pattern.
type pcreNode struct {
	op            pcreOp
	subs          []*pcreNode
	c             rune
	caseless      bool
	set           *pcreCharSet
	test          pcreTest
	multiline     bool // of ^ and $
	n             int  // group number
	groups        []int
	min, max      int
	lazy          bool
	possessive    bool
	behind        bool
	negated       bool
	lengths       []int // of the branches of a lookbehind
	condKind      pcreCondKind
	cond          *pcreNode
	verb          pcreVerbKind
	name          string // of a verb
	dotall        bool
	byteUnit      bool
	typeLetter    byte // of a set, any or \R from an escape or "."
	selfReferring bool // a capturing group with a back reference to itself
	icase         bool // of a character or class: read under (?i)
}

// pcreName is a named group.
type pcreName struct {
	name   string
	number int
}

// pcreLimits of libpcre.
const (
	pcreMaxRepeat    = 65535
	pcreMaxNameSize  = 32
	pcreMaxMark      = 255
	pcreParensLimit  = 250
	pcreIntDigitsMax = 2147483647/10 - 1
)

// pcreParser reads one pattern in one pass.
type pcreParser struct {
	pat     string
	i       int
	second  bool // the second pass
	utf     bool
	ucp     bool
	newline pcreNewline
	opts    pcreOptions

	groups     int        // capturing groups opened so far
	final      int        // second pass: the capturing groups of the pattern
	names      []pcreName // first pass: as met; second: sorted by name
	depth      int
	inQuote    bool
	condDepth  int
	topBackref int
	openGroups []*pcreNode       // the capturing groups being read
	branches   []*pcreBranchAt   // the branches being read, innermost last
	completed  map[int]*pcreNode // second pass: the capturing groups read
	hasCRorLF  bool              // a literal CR or LF occurs
}

// pcreBranchAt is a branch being read, for the check that a recursion
// cannot loop: the group it belongs to, its items so far and, in an
// assertion, the branches before it.
type pcreBranchAt struct {
	group     int // capturing number, -1 for other groups, 0 for the pattern
	items     *[]*pcreNode
	assertion bool
	earlier   []*pcreNode
}

// pcreNewline is the newline convention of a pattern.
type pcreNewline uint8

const (
	pcreNewlineLF pcreNewline = iota
	pcreNewlineCR
	pcreNewlineCRLF
	pcreNewlineAny
	pcreNewlineAnyCRLF
)

// pcrePattern is a parsed pattern with its settings.
type pcrePattern struct {
	root          *pcreNode
	groups        int
	utf, ucp      bool
	newline       pcreNewline
	bsrAnyCRLF    bool
	noStartOpt    bool
	noAutoPossess bool
	hasCRorLF     bool
}

// parsePCRE parses src as libpcre would compile it.
func parsePCRE(src string) (*pcrePattern, error) {
	if i := strings.IndexByte(src, 0); i >= 0 {
		src = src[:i]
	}
	pat := &pcrePattern{}
	start := readStartOptions(src, pat)
	if pat.utf {
		if bad := invalidUTF8At(src); bad >= 0 {
			return nil, &SyntaxError{44, bad}
		}
	}
	first := &pcreParser{pat: src, i: start, utf: pat.utf, ucp: pat.ucp, newline: pat.newline}
	if _, err := first.top(); err != nil {
		return nil, err
	}
	second := &pcreParser{pat: src, i: start, second: true, utf: pat.utf, ucp: pat.ucp, newline: pat.newline,
		final: first.groups, names: sortedNames(first.names), completed: map[int]*pcreNode{}}
	root, err := second.top()
	if err != nil {
		return nil, err
	}
	if second.i < len(src) {
		return nil, &SyntaxError{22, second.i}
	}
	if !resolveLookbehinds(root, second.completed) {
		return nil, &SyntaxError{25, len(src)}
	}
	if second.topBackref > second.groups {
		return nil, &SyntaxError{15, len(src)}
	}
	if !pat.ucp && !pat.noAutoPossess {
		pcreAutoPossess(root, nil)
	}
	pat.root, pat.groups, pat.hasCRorLF = root, second.groups, second.hasCRorLF
	return pat, nil
}

// pcreStartOptions are the settings a pattern can start with, each in
// parentheses after an asterisk, in the order libpcre looks for them.
var pcreStartOptions = []struct {
	name string
	set  func(*pcrePattern)
}{
	{"UTF8)", func(p *pcrePattern) { p.utf = true }},
	{"UTF)", func(p *pcrePattern) { p.utf = true }},
	{"UCP)", func(p *pcrePattern) { p.ucp = true }},
	{"NO_AUTO_POSSESS)", func(p *pcrePattern) { p.noAutoPossess = true }},
	{"NO_START_OPT)", func(p *pcrePattern) { p.noStartOpt = true }},
	{"LIMIT_MATCH=", nil},
	{"LIMIT_RECURSION=", nil},
	{"CR)", func(p *pcrePattern) { p.newline = pcreNewlineCR }},
	{"LF)", func(p *pcrePattern) { p.newline = pcreNewlineLF }},
	{"CRLF)", func(p *pcrePattern) { p.newline = pcreNewlineCRLF }},
	{"ANY)", func(p *pcrePattern) { p.newline = pcreNewlineAny }},
	{"ANYCRLF)", func(p *pcrePattern) { p.newline = pcreNewlineAnyCRLF }},
	{"BSR_ANYCRLF)", func(p *pcrePattern) { p.bsrAnyCRLF = true }},
	{"BSR_UNICODE)", func(p *pcrePattern) { p.bsrAnyCRLF = false }},
}

// readStartOptions reads the settings at the start of src and returns
// where the pattern proper starts. A limit takes digits (maybe none) and
// ")"; the limits themselves do not matter here.
func readStartOptions(src string, pat *pcrePattern) int {
	i := 0
	for strings.HasPrefix(src[i:], "(*") {
		rest := src[i+2:]
		k := slices.IndexFunc(pcreStartOptions, func(o struct {
			name string
			set  func(*pcrePattern)
		}) bool {
			return strings.HasPrefix(rest, o.name)
		})
		if k < 0 {
			return i
		}
		option := pcreStartOptions[k]
		length := len(option.name)
		if option.set == nil {
			for length < len(rest) && isASCIIDigit(rune(rest[length])) {
				length++
			}
			if length >= len(rest) || rest[length] != ')' {
				return i
			}
			length++
		} else {
			option.set(pat)
		}
		i += 2 + length
	}
	return i
}

// invalidUTF8At returns the offset of the first byte of s that is not
// part of a valid UTF-8 character, or -1.
func invalidUTF8At(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// sortedNames returns the names in the order of PCRE's name table: by
// name, then by group number.
func sortedNames(names []pcreName) []pcreName {
	sorted := append([]pcreName(nil), names...)
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && pcreNameLess(sorted[j], sorted[j-1]); j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	return sorted
}

func pcreNameLess(a, b pcreName) bool {
	if a.name != b.name {
		return a.name < b.name
	}
	return a.number < b.number
}

func (p *pcreParser) fail(code pcreErrorCode, offset int) error {
	return &SyntaxError{code, offset}
}

// at returns the byte at i, or 0 beyond the end (PCRE reads a
// NUL-terminated string).
func (p *pcreParser) at(i int) byte {
	if i < len(p.pat) {
		return p.pat[i]
	}
	return 0
}

func (p *pcreParser) cur() byte { return p.at(p.i) }

// top reads the pattern up to its end or an unmatched ")".
func (p *pcreParser) top() (*pcreNode, error) {
	p.opts.multiline = true
	return p.alternation(nil, false, 0)
}

// alternation reads the branches of node (nil for the pattern) up to a
// ")" or the end of the pattern; reset numbers the groups of every branch
// from the same number, as (?| does. group is the capturing number of
// the node (0 for the pattern, -1 for others). The branches of a
// lookbehind get their lengths in the second pass.
func (p *pcreParser) alternation(node *pcreNode, reset bool, group int) (*pcreNode, error) {
	outer := p.opts
	startGroups, maxGroups := p.groups, p.groups
	alt := &pcreNode{op: pxAlt}
	assertion := node != nil && node.op == pxLook
	behind := assertion && node.behind
	for {
		if reset {
			p.groups = startGroups
		}
		branch, err := p.branch(&pcreBranchAt{group: group, assertion: assertion, earlier: alt.subs})
		if err != nil {
			return nil, err
		}
		if behind && p.second {
			length, err := p.fixedLength(branch)
			if err != nil {
				return nil, err
			}
			alt.lengths = append(alt.lengths, length)
		}
		alt.subs = append(alt.subs, branch)
		maxGroups = max(maxGroups, p.groups)
		if p.cur() != '|' {
			break
		}
		p.i++
	}
	p.groups = maxGroups
	p.opts = outer
	return alt, nil
}

// branch reads items up to "|", ")" or the end of the pattern.
func (p *pcreParser) branch(at *pcreBranchAt) (*pcreNode, error) {
	var items []*pcreNode
	at.items = &items
	p.branches = append(p.branches, at)
	defer func() { p.branches = p.branches[:len(p.branches)-1] }()
	repeatable := -1 // index in items of the item a quantifier would repeat
	for {
		if p.inQuote {
			if p.i >= len(p.pat) {
				break
			}
			if p.cur() == '\\' && p.at(p.i+1) == 'E' {
				p.inQuote = false
				p.i += 2
				continue
			}
			items = append(items, p.literal(p.readChar()))
			repeatable = len(items) - 1
			continue
		}
		if p.opts.extended && p.skipSpaceAndComments() {
			continue
		}
		if strings.HasPrefix(p.pat[p.i:], "(?#") {
			end := strings.IndexByte(p.pat[p.i+3:], ')')
			if end < 0 {
				return nil, p.fail(18, len(p.pat))
			}
			p.i += 3 + end + 1
			continue
		}
		c := p.cur()
		if p.i >= len(p.pat) || c == '|' || c == ')' {
			break
		}
		switch c {
		case '^':
			items = append(items, &pcreNode{op: pxAssert, test: pcreBOL, multiline: p.opts.multiline})
			repeatable = -1
			p.i++
		case '$':
			items = append(items, &pcreNode{op: pxAssert, test: pcreEOL, multiline: p.opts.multiline})
			repeatable = -1
			p.i++
		case '.':
			items = append(items, &pcreNode{op: pxAny, dotall: p.opts.dotall, typeLetter: '.'})
			repeatable = len(items) - 1
			p.i++
		case '[':
			if word := p.spencerWordEdge(); word != nil {
				items = append(items, word...)
				repeatable = len(items) - 1
				continue
			}
			set, err := p.class()
			if err != nil {
				return nil, err
			}
			items = append(items, &pcreNode{op: pxSet, set: set, icase: p.opts.caseless})
			repeatable = len(items) - 1
		case '*', '+', '?':
			if err := p.quantify(items, &repeatable); err != nil {
				return nil, err
			}
		case '{':
			if !pcreCountedRepeat(p.pat, p.i+1) {
				items = append(items, p.literal(p.readChar()))
				repeatable = len(items) - 1
				continue
			}
			if err := p.quantify(items, &repeatable); err != nil {
				return nil, err
			}
		case '(':
			node, err := p.group()
			if err != nil {
				return nil, err
			}
			if node == nil { // an option setting or a callout
				repeatable = -1
				continue
			}
			items = append(items, node)
			repeatable = len(items) - 1
			if node.op == pxVerb {
				repeatable = -1
			}
		case '\\':
			node, isItem, err := p.escapeItem()
			if err != nil {
				return nil, err
			}
			if !isItem {
				continue // \Q, \E
			}
			items = append(items, node)
			repeatable = len(items) - 1
			if node.op == pxAssert || (node.op == pxEmpty) {
				repeatable = -1
			}
		default:
			items = append(items, p.literal(p.readChar()))
			repeatable = len(items) - 1
		}
	}
	return &pcreNode{op: pxConcat, subs: items}, nil
}

// spencerWordEdge reads [[:<:]] and [[:>:]], the start and end of a
// word, as libpcre reads them: \b(?=\w) and \b(?<=\w).
func (p *pcreParser) spencerWordEdge() []*pcreNode {
	var behind bool
	switch {
	case strings.HasPrefix(p.pat[p.i:], "[[:<:]]"):
	case strings.HasPrefix(p.pat[p.i:], "[[:>:]]"):
		behind = true
	default:
		return nil
	}
	p.i += 7
	word := &pcreCharSet{}
	p.addTypeEscape(word, 'w')
	branch := &pcreNode{op: pxConcat, subs: []*pcreNode{{op: pxSet, set: word}}}
	look := &pcreNode{op: pxLook, behind: behind, subs: []*pcreNode{branch}}
	if behind {
		look.lengths = []int{1}
	}
	return []*pcreNode{{op: pxAssert, test: pcreWordEdge}, look}
}

// skipSpaceAndComments skips, in extended mode, white space and comments
// from "#" to the end of the line; it reports whether it skipped any.
func (p *pcreParser) skipSpaceAndComments() bool {
	start := p.i
	for p.i < len(p.pat) && isPCRESpace(p.pat[p.i]) {
		p.i++
	}
	if p.cur() == '#' && p.i < len(p.pat) {
		p.i++
		for p.i < len(p.pat) {
			if n := p.newlineAt(p.i); n > 0 {
				p.i += n
				break
			}
			p.i++
			if p.utf {
				for p.i < len(p.pat) && p.pat[p.i]&0xc0 == 0x80 {
					p.i++
				}
			}
		}
	}
	return p.i > start
}

// newlineAt returns the length of the newline of the convention at i in
// the pattern, or 0.
func (p *pcreParser) newlineAt(i int) int {
	return pcreNewlineLen(p.newline, p.pat, i, p.utf)
}

// isPCRESpace reports whether c is white space in PCRE's default tables.
func isPCRESpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// readChar reads one literal character: a byte, or in UTF mode a whole
// UTF-8 sequence.
func (p *pcreParser) readChar() rune {
	if p.utf {
		r, size := utf8.DecodeRuneInString(p.pat[p.i:])
		p.i += size
		return r
	}
	c := p.pat[p.i]
	p.i++
	return rune(c)
}

// literal makes the node for a literal character.
func (p *pcreParser) literal(c rune) *pcreNode {
	p.noteCRorLF(c)
	return &pcreNode{op: pxChar, c: c, caseless: p.opts.caseless && p.hasOtherCase(c), icase: p.opts.caseless}
}

// noteCRorLF records that the pattern names a CR or LF itself.
func (p *pcreParser) noteCRorLF(c rune) {
	if c == '\r' || c == '\n' {
		p.hasCRorLF = true
	}
}

// pcreCountedRepeat reports whether pat at i (after a "{") holds a
// quantifier: digits, optionally "," and digits, then "}".
func pcreCountedRepeat(pat string, i int) bool {
	digits := func() int {
		start := i
		for i < len(pat) && isASCIIDigit(rune(pat[i])) {
			i++
		}
		return i - start
	}
	if digits() == 0 {
		return false
	}
	if i < len(pat) && pat[i] == '}' {
		return true
	}
	if i >= len(pat) || pat[i] != ',' {
		return false
	}
	i++
	digits()
	return i < len(pat) && pat[i] == '}'
}

// quantify applies the quantifier at p.i to the repeatable item.
func (p *pcreParser) quantify(items []*pcreNode, repeatable *int) error {
	min, max := 0, -1
	switch p.cur() {
	case '+':
		min = 1
	case '?':
		max = 1
	case '{':
		var err error
		if min, max, err = p.repeatCounts(); err != nil {
			return err
		}
	}
	if *repeatable < 0 {
		return p.fail(9, p.i)
	}
	lazy, possessive := p.opts.ungreedy, false
	switch p.at(p.i + 1) {
	case '+':
		possessive = true
		p.i++
	case '?':
		lazy = !lazy
		p.i++
	}
	p.i++
	item := items[*repeatable]
	items[*repeatable] = repeatNode(item, min, max, lazy, possessive)
	*repeatable = -1
	return nil
}

// repeatNode repeats item. A repeated assertion is the assertion itself
// (minimum above 0) or optional; a repeated DEFINE group is itself.
func repeatNode(item *pcreNode, min, max int, lazy, possessive bool) *pcreNode {
	if item.op == pxCond && item.condKind == pcreCondDefine {
		return item
	}
	if item.op == pxLook {
		if min > 0 {
			return item
		}
		max = 1
	}
	return &pcreNode{op: pxRepeat, subs: []*pcreNode{item}, min: min, max: max, lazy: lazy, possessive: possessive}
}

// repeatCounts reads "{n}", "{n,}" or "{n,m}" and leaves p.i at the "}".
func (p *pcreParser) repeatCounts() (min, max int, err error) {
	p.i++
	if min, err = p.repeatNumber(); err != nil {
		return 0, 0, err
	}
	max = min
	if p.cur() == ',' {
		p.i++
		max = -1
		if p.cur() != '}' {
			if max, err = p.repeatNumber(); err != nil {
				return 0, 0, err
			}
			if max < min {
				return 0, 0, p.fail(4, p.i)
			}
		}
	}
	return min, max, nil
}

// repeatNumber reads the digits of a quantifier's count.
func (p *pcreParser) repeatNumber() (int, error) {
	n := 0
	for isASCIIDigit(rune(p.cur())) {
		n = n*10 + int(p.cur()-'0')
		p.i++
		if n > pcreMaxRepeat {
			return 0, p.fail(5, p.i)
		}
	}
	return n, nil
}
