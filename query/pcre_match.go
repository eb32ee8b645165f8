package query

import (
	"errors"
	"slices"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// A PCRE pattern is matched by backtracking, as libpcre does: the parsed
// pattern becomes a graph of instructions, each knowing the one after it,
// and the matcher tries them depth first, undoing captures as it backs
// out. Atomic groups, assertions and recursions run their own match and
// keep its first success. Only whether a match exists is asked, so
// greedy and lazy repetitions differ only in the order they try.

// errPCRERecursionLoop ends a match that calls a group again at the
// position where it was called, which libpcre refuses at run time.
var errPCRERecursionLoop = errors.New("query: recursive call could loop indefinitely")

// pcreInstOp is an instruction of a compiled PCRE pattern.
type pcreInstOp uint8

const (
	piChar       pcreInstOp = iota // one unit: c (or one of others)
	piLiteral                      // the bytes of lit
	piSet                          // one unit of set
	piAny                          // one unit but a newline (dotall: any; byte: one byte)
	piTest                         // a zero-width test
	piOpen                         // capturing group n starts
	piClose                        // capturing group n ends
	piAlt                          // one of alts
	piRepeatUnit                   // the single-unit item unit, min to max times
	piRepeat                       // body min to max times
	piLoopBack                     // the end of an iteration of loop
	piAtomic                       // body, atomically
	piLook                         // an assertion on alts
	piCond                         // a conditional group
	piRecurse                      // a call of group n
	piBackref                      // what group n (or the first set of groups) matched
	piNewlineSeq                   // \R
	piGrapheme                     // \X
	piVerb                         // a backtracking verb
	piSucceed                      // the end of a body run on its own
)

type pcreInst struct {
	op        pcreInstOp
	next      *pcreInst
	c         rune
	others    []rune
	lit       string
	set       *pcreCharSet
	dotall    bool
	byteUnit  bool
	test      pcreTest
	multiline bool
	n         int
	groups    []int
	caseless  bool
	alts      []*pcreInst
	lengths   []int
	negated   bool
	behind    bool
	body      *pcreInst
	unit      *pcreInst
	min, max  int
	lazy      bool
	loop      int
	repeat    *pcreInst // of a piLoopBack
	condKind  pcreCondKind
	cond      *pcreInst
	yes, no   *pcreInst
	verb      pcreVerbKind
	name      string
	owner     *pcreInst // of a (*THEN): the alternation it skips to the next branch of
	closes    []int     // of a (*ACCEPT): the capturing groups around it
}

// pcreRegexp is a compiled PCRE pattern.
type pcreRegexp struct {
	pattern  *pcrePattern
	first    pcreReq // the code unit every match starts with, if any
	req      pcreReq // a code unit every match holds, if any
	anchored bool    // matches start only at the start of the subject
	start    *pcreInst
	groups   map[int]*pcreInst // the bodies that recursions call; 0 is the pattern
	loops    int
	machines sync.Pool
}

// compilePCRE parses and compiles src.
func compilePCRE(src string) (*pcreRegexp, error) {
	pat, err := parsePCRE(src)
	if err != nil {
		return nil, err
	}
	c := &pcreCompiler{pat: pat, groups: map[int]*pcreInst{}}
	re := &pcreRegexp{pattern: pat}
	re.start = c.compile(pat.root, &pcreInst{op: piSucceed})
	c.compileCalled(pat.root)
	re.groups, re.loops = c.groups, c.loops
	re.groups[0] = re.start
	re.first, re.req = pcreReq{0, pcreReqNone}, pcreReq{0, pcreReqNone}
	re.anchored = pcreAnchored(pat.root)
	if !pat.noStartOpt {
		re.first, re.req = pcreStartUnits(pat)
	}
	return re, nil
}

// pcreCompiler turns a parsed pattern into instructions.
type pcreCompiler struct {
	pat    *pcrePattern
	groups map[int]*pcreInst
	loops  int
	owners []*pcreInst // the alternations enclosing what is compiled
	open   []int       // the capturing groups enclosing what is compiled
}

// compile emits n to continue at next and returns its entry.
func (c *pcreCompiler) compile(n *pcreNode, next *pcreInst) *pcreInst {
	switch n.op {
	case pxEmpty:
		return next
	case pxChar:
		return &pcreInst{op: piChar, c: n.c, others: c.others(n), next: next}
	case pxSet:
		return &pcreInst{op: piSet, set: n.set, next: next}
	case pxAny:
		return &pcreInst{op: piAny, dotall: n.dotall, byteUnit: n.byteUnit, next: next}
	case pxAssert:
		return &pcreInst{op: piTest, test: n.test, multiline: n.multiline, next: next}
	case pxNewlineSeq:
		return &pcreInst{op: piNewlineSeq, next: next}
	case pxGrapheme:
		return &pcreInst{op: piGrapheme, next: next}
	case pxBackref:
		return &pcreInst{op: piBackref, n: n.n, groups: n.groups, caseless: n.caseless, next: next}
	case pxVerb:
		verb := &pcreInst{op: piVerb, verb: n.verb, name: n.name, next: next}
		if len(c.owners) > 0 {
			verb.owner = c.owners[len(c.owners)-1]
		}
		if n.verb == pcreAccept {
			verb.closes = slices.Clone(c.open)
		}
		return verb
	case pxRecurse:
		return &pcreInst{op: piRecurse, n: n.n, next: next}
	case pxConcat:
		return c.concat(n.subs, next)
	case pxAlt:
		if len(n.subs) == 1 {
			return c.compile(n.subs[0], next)
		}
		alt := &pcreInst{op: piAlt, next: next}
		c.owners = append(c.owners, alt)
		for _, sub := range n.subs {
			alt.alts = append(alt.alts, c.compile(sub, next))
		}
		c.owners = c.owners[:len(c.owners)-1]
		return alt
	case pxGroup:
		if n.n == 0 {
			return c.compile(n.subs[0], next)
		}
		closing := &pcreInst{op: piClose, n: n.n, next: next}
		c.open = append(c.open, n.n)
		body := c.compile(n.subs[0], closing)
		c.open = c.open[:len(c.open)-1]
		return &pcreInst{op: piOpen, n: n.n, next: body}
	case pxAtomic:
		return &pcreInst{op: piAtomic, body: c.compile(n.subs[0], &pcreInst{op: piSucceed}), next: next}
	case pxLook:
		return c.look(n, next)
	case pxCond:
		return c.cond(n, next)
	case pxRepeat:
		return c.repeat(n, next)
	}
	return next
}

// concat emits items in turn; runs of plain literal bytes become one
// instruction.
func (c *pcreCompiler) concat(items []*pcreNode, next *pcreInst) *pcreInst {
	for i := len(items) - 1; i >= 0; i-- {
		if lit, k := c.literalRun(items, i); k < i {
			next = &pcreInst{op: piLiteral, lit: lit, next: next}
			i = k + 1
			continue
		}
		next = c.compile(items[i], next)
	}
	return next
}

// literalRun returns the bytes of the plain literals ending at items[end]
// and the index before them.
func (c *pcreCompiler) literalRun(items []*pcreNode, end int) (string, int) {
	k := end
	for k >= 0 && items[k].op == pxChar && !items[k].caseless && (items[k].c < 0x80 || !c.pat.utf) {
		k--
	}
	if end-k < 2 {
		return "", end
	}
	b := make([]byte, 0, end-k)
	for _, item := range items[k+1 : end+1] {
		b = append(b, byte(item.c))
	}
	return string(b), k
}

// others returns the other cases a caseless character matches.
func (c *pcreCompiler) others(n *pcreNode) []rune {
	if !n.caseless {
		return nil
	}
	p := pcreParser{utf: c.pat.utf}
	return p.otherCases(n.c)
}

// look emits an assertion; each branch ends on its own. An assertion of
// several branches is the alternation of the (*THEN)s in it; so is a
// negative one of one branch, which they make true.
func (c *pcreCompiler) look(n *pcreNode, next *pcreInst) *pcreInst {
	look := &pcreInst{op: piLook, negated: n.negated, behind: n.behind, lengths: n.lengths, next: next}
	owns := len(n.subs) > 1 || n.negated
	if owns {
		c.owners = append(c.owners, look)
	}
	for _, sub := range n.subs {
		look.alts = append(look.alts, c.compile(sub, &pcreInst{op: piSucceed}))
	}
	if owns {
		c.owners = c.owners[:len(c.owners)-1]
	}
	return look
}

// cond emits a conditional group.
func (c *pcreCompiler) cond(n *pcreNode, next *pcreInst) *pcreInst {
	inst := &pcreInst{op: piCond, condKind: n.condKind, n: n.n, groups: n.groups, next: next, no: next}
	if n.cond != nil {
		inst.cond = c.look(n.cond, nil)
	}
	if len(n.subs) > 0 {
		inst.yes = c.compile(n.subs[0], next)
	}
	if len(n.subs) > 1 {
		inst.no = c.compile(n.subs[1], next)
	}
	if n.condKind == pcreCondDefine {
		inst.yes = next
	}
	return inst
}

// repeat emits a quantified item.
func (c *pcreCompiler) repeat(n *pcreNode, next *pcreInst) *pcreInst {
	sub := n.subs[0]
	if n.possessive {
		greedy := *n
		greedy.possessive, greedy.lazy = false, false
		return &pcreInst{op: piAtomic, body: c.repeat(&greedy, &pcreInst{op: piSucceed}), next: next}
	}
	if sub.op == pxChar || sub.op == pxSet || (sub.op == pxAny && !c.pat.utf) {
		unit := c.compile(sub, nil)
		return &pcreInst{op: piRepeatUnit, unit: unit, min: n.min, max: n.max, lazy: n.lazy, next: next}
	}
	loop := &pcreInst{op: piRepeat, min: n.min, max: n.max, lazy: n.lazy, loop: c.loops, next: next}
	c.loops++
	loop.body = c.compile(sub, &pcreInst{op: piLoopBack, loop: loop.loop, repeat: loop})
	return loop
}

// compileCalled compiles, on their own, the groups that recursions call.
func (c *pcreCompiler) compileCalled(root *pcreNode) {
	called := map[int]bool{}
	var find func(n *pcreNode)
	find = func(n *pcreNode) {
		if n.op == pxRecurse && n.n > 0 {
			called[n.n] = true
		}
		for _, sub := range n.subs {
			find(sub)
		}
		if n.cond != nil {
			find(n.cond)
		}
	}
	find(root)
	var compileGroups func(n *pcreNode)
	compileGroups = func(n *pcreNode) {
		if n.op == pxGroup && called[n.n] {
			if _, done := c.groups[n.n]; !done {
				outer := c.owners
				c.owners = nil
				c.groups[n.n] = c.compile(n, &pcreInst{op: piSucceed})
				c.owners = outer
			}
		}
		for _, sub := range n.subs {
			compileGroups(sub)
		}
		if n.cond != nil {
			compileGroups(n.cond)
		}
	}
	compileGroups(root)
}

// match reports whether the pattern matches somewhere in s, or fails
// with errMatchTimeout once it has run longer than timeout.
func (re *pcreRegexp) match(s string, timeout time.Duration) (bool, error) {
	m, _ := re.machines.Get().(*pcreMatcher)
	if m == nil {
		m = &pcreMatcher{re: re}
	}
	defer re.machines.Put(m)
	m.reset(s, timeout)
	ignoreSkips, reqAt := 0, -1
	for start := 0; start <= len(s); {
		if re.first.flags >= 0 {
			if start = pcreFindUnit(s, start, re.first); start < 0 {
				return false, nil
			}
		}
		if re.req.flags >= 0 && len(s)-start < pcreReqSearchMax {
			from := start
			if re.first.flags >= 0 {
				from++
			}
			if from > reqAt {
				if reqAt = pcreFindUnit(s, from, re.req); reqAt < 0 {
					return false, nil
				}
			}
		}
		m.verb, m.skipTo, m.accepted = pcreNoVerb, -1, false
		m.skipArgs, m.ignoreSkipArgs = 0, ignoreSkips
		if m.run(re.start, start) {
			return true, nil
		}
		if m.err != nil {
			return false, m.err
		}
		next := start + m.width(start)
		switch m.verb {
		case pcreVerbCommit:
			return false, nil
		case pcreVerbSkipArg:
			ignoreSkips = m.skipArgs
			continue
		case pcreVerbSkip:
			if m.skipTo > start {
				next = m.skipTo
			}
		}
		ignoreSkips = 0
		if start == len(s) || re.anchored {
			break
		}
		start = m.bumpNewline(next)
	}
	return false, nil
}

// pcreReqSearchMax is the longest rest of a subject libpcre searches for
// the required unit.
const pcreReqSearchMax = 1000

// pcreFindUnit returns the first index from on where s holds the unit u
// (or its other case), or -1.
func pcreFindUnit(s string, from int, u pcreReq) int {
	other := byte(u.c)
	if u.flags&pcreReqCaseless != 0 {
		other ^= 0x20
	}
	for i := from; i < len(s); i++ {
		if s[i] == byte(u.c) || s[i] == other {
			return i
		}
	}
	return -1
}

// bumpNewline moves a start position from the LF of a CRLF to after it,
// as libpcre does when newlines are CRLF (or any) and the pattern names no
// CR or LF itself.
func (m *pcreMatcher) bumpNewline(start int) int {
	pat := m.re.pattern
	if start > 0 && start < len(m.s) && m.s[start-1] == '\r' && m.s[start] == '\n' && !pat.hasCRorLF &&
		(pat.newline == pcreNewlineCRLF || pat.newline == pcreNewlineAny || pat.newline == pcreNewlineAnyCRLF) {
		return start + 1
	}
	return start
}

// pcreVerbSignal is a verb backtracked into, unwinding the match.
type pcreVerbSignal uint8

const (
	pcreNoVerb pcreVerbSignal = iota
	pcreVerbThen
	pcreVerbPrune
	pcreVerbSkip
	pcreVerbSkipArg // a (*SKIP:NAME) without its (*MARK:NAME)
	pcreVerbCommit
)

// pcreMarkAt is a (*MARK) passed on the way to the current position.
type pcreMarkAt struct {
	name string
	pos  int
}

// pcreMatcher is the state of one match.
type pcreMatcher struct {
	re             *pcreRegexp
	s              string
	caps           []int      // start and end of each group, -1 if unset
	open           []int      // where each group being matched started
	count          []int      // iterations of each loop
	iterStart      []int      // where the current iteration of each loop started
	recursions     []pcreCall // the groups being recursed into, innermost last
	marks          []pcreMarkAt
	subEnd         int
	opened         []int // the capturing groups being matched, innermost last
	accepted       bool  // a (*ACCEPT) ended the current assertion, call or match
	acceptFloor    int   // where in opened the current assertion or call starts
	verb           pcreVerbSignal
	thenOwner      *pcreInst // of the (*THEN) being backtracked into
	skipTo         int
	skipArgs       int // the (*SKIP:NAME)s met in this attempt
	ignoreSkipArgs int // how many of those to pass over
	steps          int
	clock          matchClock
	err            error
	saved          []int // captures saved by the atomic parts being matched
}

// pcreCall is a call of a group at a position.
type pcreCall struct{ group, pos int }

// pcreClockEvery is how many steps a match takes between polls of its
// clock.
const pcreClockEvery = 1 << 12

func (m *pcreMatcher) reset(s string, timeout time.Duration) {
	groups := m.re.pattern.groups + 1
	m.s, m.clock, m.err, m.steps = s, matchClock{timeout: timeout}, nil, 0
	m.saved, m.accepted = m.saved[:0], false
	m.caps = resize(m.caps, 2*groups)
	m.open = resize(m.open, groups)
	m.count = resize(m.count, m.re.loops)
	m.iterStart = resize(m.iterStart, m.re.loops)
	for i := range m.caps {
		m.caps[i] = -1
	}
	m.recursions, m.marks = m.recursions[:0], m.marks[:0]
}

func resize(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

// aborted counts a step and reports whether the match must end.
func (m *pcreMatcher) aborted() bool {
	if m.err != nil {
		return true
	}
	m.steps++
	if m.steps%pcreClockEvery == 0 && m.clock.expired() {
		m.err = errMatchTimeout
		return true
	}
	return false
}

// run matches from in at pos to the end of the current body.
func (m *pcreMatcher) run(in *pcreInst, pos int) bool {
	for {
		if m.aborted() {
			return false
		}
		switch in.op {
		case piChar, piSet, piAny:
			width := m.unitMatch(in, pos)
			if width < 0 {
				return false
			}
			pos += width
		case piLiteral:
			if len(m.s)-pos < len(in.lit) || m.s[pos:pos+len(in.lit)] != in.lit {
				return false
			}
			pos += len(in.lit)
		case piTest:
			if !m.holds(in, pos) {
				return false
			}
		case piNewlineSeq:
			width := m.newlineSequence(pos)
			if width == 0 {
				return false
			}
			pos += width
		case piGrapheme:
			width := m.grapheme(pos)
			if width == 0 {
				return false
			}
			pos += width
		case piBackref:
			width := m.backref(in, pos)
			if width < 0 {
				return false
			}
			pos += width
		case piSucceed:
			m.subEnd = pos
			return true
		default:
			return m.branch(in, pos)
		}
		in = in.next
	}
}

// branch runs the instructions that leave a choice to back out of.
func (m *pcreMatcher) branch(in *pcreInst, pos int) bool {
	switch in.op {
	case piOpen:
		old := m.open[in.n]
		m.open[in.n] = pos
		if m.run(in.next, pos) {
			return true
		}
		m.open[in.n] = old
		return false
	case piClose:
		oldStart, oldEnd := m.caps[2*in.n], m.caps[2*in.n+1]
		m.caps[2*in.n], m.caps[2*in.n+1] = m.open[in.n], pos
		if m.run(in.next, pos) {
			return true
		}
		m.caps[2*in.n], m.caps[2*in.n+1] = oldStart, oldEnd
		return false
	case piAlt:
		for _, alt := range in.alts {
			if m.run(alt, pos) {
				return true
			}
			if m.verb == pcreVerbThen && m.thenOwner == in {
				m.verb = pcreNoVerb
				continue
			}
			if m.verb != pcreNoVerb || m.err != nil {
				return false
			}
		}
		return false
	case piRepeatUnit:
		return m.repeatUnit(in, pos)
	case piRepeat:
		oldCount, oldStart := m.count[in.loop], m.iterStart[in.loop]
		m.count[in.loop], m.iterStart[in.loop] = 0, -1
		ok := m.loopTest(in, pos)
		m.count[in.loop], m.iterStart[in.loop] = oldCount, oldStart
		return ok
	case piLoopBack:
		loop := in.repeat
		if pos == m.iterStart[loop.loop] && m.count[loop.loop] >= loop.min {
			return m.run(loop.next, pos)
		}
		return m.loopTest(loop, pos)
	case piAtomic:
		return m.atomic(in, pos)
	case piLook:
		if !m.look(in, pos) {
			return false
		}
		return m.runRestoring(in.next, pos)
	case piCond:
		return m.cond(in, pos)
	case piRecurse:
		return m.recurse(in, pos)
	case piVerb:
		return m.verbInst(in, pos)
	}
	return false
}

// runRestoring runs in at pos and, if that fails, puts the captures back
// as they were.
func (m *pcreMatcher) runRestoring(in *pcreInst, pos int) bool {
	mark := m.saveCaps()
	defer m.dropSaved(mark)
	if m.run(in, pos) {
		return true
	}
	m.restoreCaps(mark)
	return false
}

// saveCaps saves the captures and returns the mark to restore them from.
func (m *pcreMatcher) saveCaps() int {
	mark := len(m.saved)
	m.saved = append(m.saved, m.caps...)
	return mark
}

// restoreCaps puts back the captures saved at mark.
func (m *pcreMatcher) restoreCaps(mark int) { copy(m.caps, m.saved[mark:]) }

// dropSaved forgets what was saved from mark on.
func (m *pcreMatcher) dropSaved(mark int) { m.saved = m.saved[:mark] }

// loopTest decides, at the start of an iteration of loop, whether to
// iterate again or go on.
func (m *pcreMatcher) loopTest(loop *pcreInst, pos int) bool {
	count := m.count[loop.loop]
	switch {
	case count < loop.min:
		return m.iterate(loop, pos)
	case loop.max >= 0 && count >= loop.max:
		return m.run(loop.next, pos)
	case loop.lazy:
		if m.run(loop.next, pos) {
			return true
		}
		if m.verb != pcreNoVerb || m.err != nil {
			return false
		}
		return m.iterate(loop, pos)
	}
	if m.iterate(loop, pos) {
		return true
	}
	if m.verb != pcreNoVerb || m.err != nil {
		return false
	}
	return m.run(loop.next, pos)
}

// iterate runs one more iteration of loop's body.
func (m *pcreMatcher) iterate(loop *pcreInst, pos int) bool {
	oldCount, oldStart := m.count[loop.loop], m.iterStart[loop.loop]
	m.count[loop.loop], m.iterStart[loop.loop] = oldCount+1, pos
	ok := m.run(loop.body, pos)
	m.count[loop.loop], m.iterStart[loop.loop] = oldCount, oldStart
	return ok
}

// repeatUnit matches a single-unit item min to max times, then the rest.
func (m *pcreMatcher) repeatUnit(in *pcreInst, pos int) bool {
	count, end := 0, pos
	for (in.max < 0 || count < in.max) && (!in.lazy || count < in.min) {
		width := m.unitMatch(in.unit, end)
		if width < 0 {
			break
		}
		count, end = count+1, end+width
	}
	if count < in.min {
		return false
	}
	for {
		if m.run(in.next, end) {
			return true
		}
		if m.verb != pcreNoVerb || m.err != nil {
			return false
		}
		if in.lazy {
			if in.max >= 0 && count >= in.max {
				return false
			}
			width := m.unitMatch(in.unit, end)
			if width < 0 {
				return false
			}
			count, end = count+1, end+width
			continue
		}
		if count == in.min {
			return false
		}
		count, end = count-1, m.unitStart(in.unit, end)
	}
}

// unitStart returns where the unit a single-unit instruction matched
// before end starts.
func (m *pcreMatcher) unitStart(in *pcreInst, end int) int {
	if !m.re.pattern.utf || in.byteUnit {
		return end - 1
	}
	_, size := utf8.DecodeLastRuneInString(m.s[:end])
	return end - size
}

// atomic runs a body on its own and goes on from its first success.
func (m *pcreMatcher) atomic(in *pcreInst, pos int) bool {
	mark := m.saveCaps()
	defer m.dropSaved(mark)
	if m.run(in.body, pos) && (m.accepted || m.run(in.next, m.subEnd)) {
		return true
	}
	m.restoreCaps(mark)
	return false
}

// look decides an assertion at pos.
func (m *pcreMatcher) look(in *pcreInst, pos int) bool {
	mark := m.saveCaps()
	defer m.dropSaved(mark)
	verb := m.verb
	matched := false
	for i, alt := range in.alts {
		start := pos
		if in.behind {
			if start = m.back(pos, in.lengths[i]); start < 0 {
				continue
			}
		}
		if m.run(alt, start) {
			matched, m.accepted = true, false
			break
		}
		if m.err != nil {
			return false
		}
		if m.verb == pcreVerbThen && m.thenOwner == in {
			m.verb = verb
			if len(in.alts) > 1 {
				continue
			}
			break
		}
		if m.verb != verb {
			if in.negated {
				m.verb = verb
				break
			}
			return false
		}
	}
	if !matched || in.negated {
		m.restoreCaps(mark)
	}
	return matched != in.negated
}

// cond runs a conditional group.
func (m *pcreMatcher) cond(in *pcreInst, pos int) bool {
	var yes bool
	switch in.condKind {
	case pcreCondGroup:
		for _, g := range in.groups {
			if m.caps[2*g+1] >= 0 {
				yes = true
				break
			}
		}
	case pcreCondRecursion:
		if k := len(m.recursions); k > 0 {
			yes = in.n == 0 || m.recursions[k-1].group == in.n
			if len(in.groups) > 0 {
				yes = false
				for _, g := range in.groups {
					yes = yes || m.recursions[k-1].group == g
				}
			}
		}
	case pcreCondAssert:
		mark := m.saveCaps()
		defer m.dropSaved(mark)
		yes = m.look(in.cond, pos)
		if m.err != nil || m.verb != pcreNoVerb {
			return false
		}
		if yes && m.run(in.yes, pos) {
			return true
		}
		m.restoreCaps(mark)
		if yes {
			return false
		}
		return m.run(in.no, pos)
	}
	if yes {
		return m.run(in.yes, pos)
	}
	return m.run(in.no, pos)
}

// recurse calls a group as a subroutine: atomically, its captures undone
// afterwards.
func (m *pcreMatcher) recurse(in *pcreInst, pos int) bool {
	for _, call := range m.recursions {
		if call.group == in.n && call.pos == pos {
			m.err = errPCRERecursionLoop
			return false
		}
	}
	body := m.re.groups[in.n]
	mark := len(m.saved)
	m.saved = append(append(append(append(m.saved, m.caps...), m.open...), m.count...), m.iterStart...)
	defer m.dropSaved(mark)
	verb := m.verb
	m.recursions = append(m.recursions, pcreCall{in.n, pos})
	ok := m.run(body, pos)
	m.accepted = false
	m.recursions = m.recursions[:len(m.recursions)-1]
	end := m.subEnd
	from := mark
	for _, state := range [][]int{m.caps, m.open, m.count, m.iterStart} {
		from += copy(state, m.saved[from:])
	}
	if m.err != nil {
		return false
	}
	if !ok {
		m.verb = verb
		return false
	}
	return m.run(in.next, end)
}

// verbInst runs a backtracking verb.
func (m *pcreMatcher) verbInst(in *pcreInst, pos int) bool {
	switch in.verb {
	case pcreAccept:
		for _, g := range in.closes {
			m.caps[2*g], m.caps[2*g+1] = m.open[g], pos
		}
		m.subEnd, m.accepted = pos, true
		return true
	case pcreFail:
		return false
	case pcreMark:
		m.marks = append(m.marks, pcreMarkAt{in.name, pos})
		ok := m.run(in.next, pos)
		m.marks = m.marks[:len(m.marks)-1]
		return ok
	case pcreSkip:
		if in.name != "" {
			m.skipArgs++
			if m.skipArgs <= m.ignoreSkipArgs {
				return m.run(in.next, pos)
			}
		}
	}
	if m.run(in.next, pos) {
		return true
	}
	if m.err != nil || m.verb != pcreNoVerb {
		return false
	}
	switch in.verb {
	case pcreCommit:
		m.verb = pcreVerbCommit
	case pcrePrune:
		m.verb = pcreVerbPrune
	case pcreThen:
		m.verb, m.thenOwner = pcreVerbThen, in.owner
	case pcreSkip:
		if in.name == "" {
			m.verb, m.skipTo = pcreVerbSkip, pos
			break
		}
		m.verb = pcreVerbSkipArg
		for k := len(m.marks) - 1; k >= 0; k-- {
			if m.marks[k].name == in.name {
				m.verb, m.skipTo = pcreVerbSkip, m.marks[k].pos
				break
			}
		}
	}
	return false
}

// width returns the length of the unit at pos.
func (m *pcreMatcher) width(pos int) int {
	if m.re.pattern.utf {
		_, size := utf8.DecodeRuneInString(m.s[pos:])
		return size
	}
	return 1
}

// unitAt returns the unit at pos and its length (0 at the end).
func (m *pcreMatcher) unitAt(pos int) (rune, int) {
	if pos >= len(m.s) {
		return -1, 0
	}
	if m.re.pattern.utf {
		return utf8.DecodeRuneInString(m.s[pos:])
	}
	return rune(m.s[pos]), 1
}

// unitBefore returns the unit that ends at pos, or -1.
func (m *pcreMatcher) unitBefore(pos int) rune {
	if pos <= 0 {
		return -1
	}
	if m.re.pattern.utf {
		r, _ := utf8.DecodeLastRuneInString(m.s[:pos])
		return r
	}
	return rune(m.s[pos-1])
}

// back returns the position n units before pos, or -1.
func (m *pcreMatcher) back(pos, n int) int {
	if !m.re.pattern.utf {
		return pos - n
	}
	for ; n > 0; n-- {
		if pos <= 0 {
			return -1
		}
		_, size := utf8.DecodeLastRuneInString(m.s[:pos])
		pos -= size
	}
	return pos
}

// unitMatch matches a single-unit instruction at pos and returns the
// length it took, or -1.
func (m *pcreMatcher) unitMatch(in *pcreInst, pos int) int {
	if in.op == piAny && in.byteUnit {
		if pos < len(m.s) {
			return 1
		}
		return -1
	}
	c, width := m.unitAt(pos)
	if width == 0 {
		return -1
	}
	switch in.op {
	case piChar:
		if c == in.c {
			return width
		}
		for _, other := range in.others {
			if c == other {
				return width
			}
		}
		return -1
	case piSet:
		if in.set.contains(c) {
			return width
		}
		return -1
	}
	if !in.dotall && m.newlineAt(pos) > 0 {
		return -1
	}
	return width
}

// newlineAt returns the length of a newline at pos, or 0.
func (m *pcreMatcher) newlineAt(pos int) int {
	return pcreNewlineLen(m.re.pattern.newline, m.s, pos, m.re.pattern.utf)
}

// newlineBefore reports whether a newline ends at pos.
func (m *pcreMatcher) newlineBefore(pos int) bool {
	switch m.re.pattern.newline {
	case pcreNewlineLF:
		return pos > 0 && m.s[pos-1] == '\n'
	case pcreNewlineCR:
		return pos > 0 && m.s[pos-1] == '\r'
	case pcreNewlineCRLF:
		return pos > 1 && m.s[pos-2] == '\r' && m.s[pos-1] == '\n'
	}
	c := m.unitBefore(pos)
	switch {
	case c == '\n' || c == '\r':
		return true
	case m.re.pattern.newline == pcreNewlineAnyCRLF:
		return false
	}
	return c == '\v' || c == '\f' || c == 0x85 || (m.re.pattern.utf && (c == 0x2028 || c == 0x2029))
}

// pcreNewlineLen returns the length of the newline of convention nl at i
// in s, or 0.
func pcreNewlineLen(nl pcreNewline, s string, i int, utf bool) int {
	if i >= len(s) {
		return 0
	}
	c := s[i]
	switch nl {
	case pcreNewlineLF:
		return b2i(c == '\n')
	case pcreNewlineCR:
		return b2i(c == '\r')
	case pcreNewlineCRLF:
		return 2 * b2i(c == '\r' && i+1 < len(s) && s[i+1] == '\n')
	}
	if c == '\r' && i+1 < len(s) && s[i+1] == '\n' {
		return 2
	}
	if c == '\n' || c == '\r' {
		return 1
	}
	if nl == pcreNewlineAnyCRLF {
		return 0
	}
	if c == '\v' || c == '\f' {
		return 1
	}
	if !utf {
		return b2i(c == 0x85)
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == 0x85 || r == 0x2028 || r == 0x2029 {
		return size
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// holds decides a zero-width test at pos.
func (m *pcreMatcher) holds(in *pcreInst, pos int) bool {
	switch in.test {
	case pcreBOL:
		if pos == 0 {
			return true
		}
		return in.multiline && pos < len(m.s) && m.newlineBefore(pos)
	case pcreEOL:
		if in.multiline {
			return pos == len(m.s) || m.newlineAt(pos) > 0
		}
		fallthrough
	case pcreEndOrNewline:
		n := m.newlineAt(pos)
		return pos == len(m.s) || (n > 0 && pos+n == len(m.s))
	case pcreStart:
		return pos == 0
	case pcreEnd:
		return pos == len(m.s)
	}
	before, _ := m.unitBefore(pos), 0
	after, _ := m.unitAt(pos)
	edge := m.isWord(before) != m.isWord(after)
	return edge == (in.test == pcreWordEdge)
}

// isWord reports whether unit c is a word character.
func (m *pcreMatcher) isWord(c rune) bool {
	if c < 0 {
		return false
	}
	if m.re.pattern.ucp {
		return c == '_' || unicode.In(c, unicode.L, unicode.N)
	}
	return c < 0x80 && isPCREWord(byte(c))
}

// newlineSequence returns the length of the \R at pos, or 0.
func (m *pcreMatcher) newlineSequence(pos int) int {
	if pos >= len(m.s) {
		return 0
	}
	if m.s[pos] == '\r' && pos+1 < len(m.s) && m.s[pos+1] == '\n' {
		return 2
	}
	c, width := m.unitAt(pos)
	switch {
	case c == '\n' || c == '\r':
		return width
	case m.re.pattern.bsrAnyCRLF:
		return 0
	case c == '\v' || c == '\f' || c == 0x85 || (m.re.pattern.utf && (c == 0x2028 || c == 0x2029)):
		return width
	}
	return 0
}

// grapheme returns the length of the extended grapheme cluster at pos, or
// 0: a CR LF pair, a control character, or any other character with the
// marks that follow it.
func (m *pcreMatcher) grapheme(pos int) int {
	if pos >= len(m.s) {
		return 0
	}
	if m.s[pos] == '\r' && pos+1 < len(m.s) && m.s[pos+1] == '\n' {
		return 2
	}
	c, width := m.unitAt(pos)
	if isGraphemeControl(c) {
		return width
	}
	end := pos + width
	for end < len(m.s) {
		next, size := m.unitAt(end)
		if !unicode.In(next, unicode.Mn, unicode.Me, unicode.Mc) && next != 0x200d {
			break
		}
		end += size
	}
	return end - pos
}

// isGraphemeControl reports whether c breaks grapheme clusters on both
// sides.
func isGraphemeControl(c rune) bool {
	return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xad || c == 0x2028 || c == 0x2029
}

// backref matches what a group matched and returns the length, or -1.
func (m *pcreMatcher) backref(in *pcreInst, pos int) int {
	for _, g := range in.groups {
		start, end := m.caps[2*g], m.caps[2*g+1]
		if end < 0 {
			continue
		}
		text := m.s[start:end]
		if !in.caseless {
			if len(m.s)-pos >= len(text) && m.s[pos:pos+len(text)] == text {
				return len(text)
			}
			return -1
		}
		return m.caselessPrefix(text, pos)
	}
	return -1
}

// caselessPrefix matches text at pos ignoring case and returns the length
// taken, or -1.
func (m *pcreMatcher) caselessPrefix(text string, pos int) int {
	p := pcreParser{utf: m.re.pattern.utf}
	at := pos
	for i := 0; i < len(text); {
		want, wantSize := rune(text[i]), 1
		if p.utf {
			want, wantSize = utf8.DecodeRuneInString(text[i:])
		}
		got, size := m.unitAt(at)
		if size == 0 {
			return -1
		}
		if got != want {
			found := false
			for _, other := range p.otherCases(want) {
				found = found || other == got
			}
			if !found {
				return -1
			}
		}
		i += wantSize
		at += size
	}
	return at - pos
}
