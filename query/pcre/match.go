package pcre

import (
	"errors"
	"time"
)

// A PCRE pattern is matched by backtracking, as libpcre does: the parsed
// pattern becomes a graph of instructions, each knowing the one after it,
// and the matcher tries them depth first, undoing captures as it backs
// out. Atomic groups, assertions and recursions run their own match and
// keep its first success. Only whether a match exists is asked, so
// greedy and lazy repetitions differ only in the order they try.

// Errors that end a match.
var (
	// ErrTimeout ends a match that has run longer than its timeout.
	ErrTimeout = errors.New("pcre: match timed out")
	// ErrRecursionLoop ends a match that calls a group again at the
	// position where it was called, which libpcre refuses at run time.
	ErrRecursionLoop = errors.New("pcre: recursive call could loop indefinitely")
)

// Match reports whether the pattern matches somewhere in s, or fails
// with ErrTimeout once it has run longer than timeout, or with
// ErrRecursionLoop.
func (re *Regexp) Match(s string, timeout time.Duration) (bool, error) {
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
	re             *Regexp
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
	timeout        time.Duration
	deadline       time.Time // set by the first poll of the clock
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
	m.s, m.timeout, m.deadline, m.err, m.steps = s, timeout, time.Time{}, nil, 0
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
	if m.steps%pcreClockEvery == 0 && m.expired() {
		m.err = ErrTimeout
		return true
	}
	return false
}

// expired reports whether the match has run past its timeout. The first
// poll starts the clock, so that a short match never reads it.
func (m *pcreMatcher) expired() bool {
	now := time.Now()
	if m.deadline.IsZero() {
		m.deadline = now.Add(m.timeout)
		return false
	}
	return now.After(m.deadline)
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
			m.err = ErrRecursionLoop
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
