package tdfa

import (
	"errors"
	"sync"
	"time"
	"unicode/utf8"
)

// A TDFA pattern is matched by simulating its automaton (Thompson's
// construction, all threads in step), so that a match takes time linear
// in the subject whatever the pattern. Only whether a match exists is
// asked, so every thread is alike and none needs captures.
//
// Bounded repetitions are unrolled. A repetition bound above the length
// of the subject plus one cannot change the answer (the extra iterations
// can only match the empty string, which one of them can do as well as
// many), so bounds are clipped: to tdfaBoundClip for the program compiled
// with the pattern, to the subject's length for a subject longer than
// that.

// tdfaBoundClip is the bound up to which the program compiled with the
// pattern unrolls repetitions exactly.
const tdfaBoundClip = 64

// tdfaMaxInsts bounds the size of an unrolled program.
const tdfaMaxInsts = 1 << 16

// Errors that end a match.
var (
	// ErrTimeout ends a match that has run longer than its timeout.
	ErrTimeout = errors.New("tdfa: match timed out")
	// ErrTooLarge ends the match of a pattern whose unrolled repetitions
	// exceed tdfaMaxInsts for the subject at hand.
	ErrTooLarge = errors.New("tdfa: regular expression too large")
)

// Regexp is a compiled pattern. It is safe for concurrent use.
type Regexp struct {
	root     *tdfaNode
	maxBound int       // the largest repetition bound in root
	prog     *tdfaProg // root clipped at min(maxBound, tdfaBoundClip); nil if too large
	clip     int       // the clip of prog
	machines sync.Pool // of *tdfaMachine for prog
}

// Compile parses and compiles pattern, or fails with a *SyntaxError.
func Compile(pattern string) (*Regexp, error) {
	root, err := parseTDFA(pattern)
	if err != nil {
		return nil, err
	}
	re := &Regexp{root: root, maxBound: largestBound(root)}
	re.clip = min(re.maxBound, tdfaBoundClip)
	re.prog, _ = newTDFAProg(root, re.clip)
	return re, nil
}

// largestBound returns the largest bound of a repetition in n.
func largestBound(n *tdfaNode) int {
	largest := 0
	if n.op == tdfaRepeat {
		largest = max(n.min, n.max)
	}
	for _, sub := range n.subs {
		largest = max(largest, largestBound(sub))
	}
	return largest
}

// Match reports whether the pattern matches somewhere in s, or fails
// with ErrTimeout once it has run longer than timeout, or with
// ErrTooLarge.
func (re *Regexp) Match(s string, timeout time.Duration) (bool, error) {
	need := min(re.maxBound, utf8.RuneCountInString(s)+1)
	if re.prog != nil && re.clip >= need {
		m, _ := re.machines.Get().(*tdfaMachine)
		if m == nil {
			m = newTDFAMachine(re.prog)
		}
		defer re.machines.Put(m)
		return m.run(s, timeout)
	}
	prog, err := newTDFAProg(re.root, need)
	if err != nil {
		return false, err
	}
	return newTDFAMachine(prog).run(s, timeout)
}

// tdfaInstOp is an instruction of a TDFA program.
type tdfaInstOp uint8

const (
	tdfaInstClass tdfaInstOp = iota // take a character of class, go to out
	tdfaInstSplit                   // go to out and to out1
	tdfaInstTest                    // go to out if test holds here
	tdfaInstMatch                   // a match
)

type tdfaInst struct {
	op       tdfaInstOp
	test     tdfaTest
	class    *runeClass
	out      int
	out1     int
	isSingle bool // class holds only char
	char     rune
}

// tdfaProg is a compiled TDFA automaton.
type tdfaProg struct {
	insts []tdfaInst
	start int
}

// newTDFAProg compiles root with its repetition bounds clipped at clip.
func newTDFAProg(root *tdfaNode, clip int) (*tdfaProg, error) {
	if tdfaSize(root, clip) > tdfaMaxInsts {
		return nil, ErrTooLarge
	}
	c := &tdfaCompiler{clip: clip}
	start := c.compile(root, c.emit(tdfaInst{op: tdfaInstMatch}))
	return &tdfaProg{insts: c.insts, start: start}, nil
}

// tdfaSize returns how many instructions n compiles to, or a number above
// tdfaMaxInsts.
func tdfaSize(n *tdfaNode, clip int) int {
	size := 0
	switch n.op {
	case tdfaChar, tdfaAny, tdfaAssert:
		return 1
	case tdfaOr:
		size = len(n.subs)
	}
	for _, sub := range n.subs {
		size += tdfaSize(sub, clip)
		size = min(size, tdfaMaxInsts+1)
	}
	if n.op == tdfaRepeat {
		copies := min(n.min, clip) + 1
		if n.max >= 0 {
			copies = min(n.max, clip)
		}
		size = min((size+1)*copies, tdfaMaxInsts+1)
	}
	return size
}

// tdfaCompiler emits instructions; compile works backwards from the
// instruction that follows a node.
type tdfaCompiler struct {
	insts []tdfaInst
	clip  int
}

func (c *tdfaCompiler) emit(inst tdfaInst) int {
	c.insts = append(c.insts, inst)
	return len(c.insts) - 1
}

// compile emits n to continue at next and returns its entry.
func (c *tdfaCompiler) compile(n *tdfaNode, next int) int {
	switch n.op {
	case tdfaChar:
		return c.emit(tdfaInst{op: tdfaInstClass, isSingle: true, char: n.c, out: next})
	case tdfaAny:
		return c.emit(tdfaInst{op: tdfaInstClass, class: n.class, out: next})
	case tdfaAssert:
		return c.emit(tdfaInst{op: tdfaInstTest, test: n.assert, out: next})
	case tdfaGroup:
		return c.compile(n.subs[0], next)
	case tdfaConcat:
		for i := len(n.subs) - 1; i >= 0; i-- {
			next = c.compile(n.subs[i], next)
		}
		return next
	case tdfaOr:
		entry := c.compile(n.subs[len(n.subs)-1], next)
		for i := len(n.subs) - 2; i >= 0; i-- {
			entry = c.emit(tdfaInst{op: tdfaInstSplit, out: c.compile(n.subs[i], next), out1: entry})
		}
		return entry
	case tdfaRepeat:
		return c.repeat(n.subs[0], min(n.min, c.clip), n.max, next)
	}
	return next // tdfaEmpty
}

// repeat emits sub repeated low to high (negative: unbounded) times, the
// optional part clipped.
func (c *tdfaCompiler) repeat(sub *tdfaNode, low, high, next int) int {
	if high < 0 {
		loop := c.emit(tdfaInst{op: tdfaInstSplit, out1: next})
		c.insts[loop].out = c.compile(sub, loop)
		next = loop
	} else {
		for optional := min(high, c.clip) - low; optional > 0; optional-- {
			next = c.emit(tdfaInst{op: tdfaInstSplit, out: c.compile(sub, next), out1: next})
		}
	}
	for range low {
		next = c.compile(sub, next)
	}
	return next
}

// tdfaMachine runs a program over subjects, one at a time.
type tdfaMachine struct {
	prog       *tdfaProg
	cur, next  threadSet
	stack      []int
	matched    bool
	prev, peek rune // the characters around the current position (-1: none)
	atStart    bool
}

func newTDFAMachine(prog *tdfaProg) *tdfaMachine {
	n := len(prog.insts)
	return &tdfaMachine{prog: prog, cur: newThreadSet(n), next: newThreadSet(n), stack: make([]int, 0, n)}
}

// tdfaClockEvery is how many characters a match reads between polls of
// its clock.
const tdfaClockEvery = 1 << 12

// run reports whether the program matches somewhere in s. It reads the
// clock every tdfaClockEvery bytes; the first reading sets the deadline,
// so that a short match never reads it.
func (m *tdfaMachine) run(s string, timeout time.Duration) (bool, error) {
	var deadline time.Time
	m.cur.clear()
	m.matched = false
	m.prev, m.atStart = '\n', true
	for i := 0; ; {
		c, width := utf8.DecodeRuneInString(s[i:])
		if width == 0 {
			c = -1
		}
		m.peek = c
		m.add(&m.cur, m.prog.start)
		if m.matched {
			return true, nil
		}
		if width == 0 {
			return false, nil
		}
		m.next.clear()
		m.prev, m.atStart = c, false
		i += width
		m.peek, _ = utf8.DecodeRuneInString(s[i:])
		if i == len(s) {
			m.peek = -1
		}
		for _, pc := range m.cur.dense {
			inst := &m.prog.insts[pc]
			if inst.op == tdfaInstClass && inst.takes(c) {
				m.add(&m.next, inst.out)
			}
		}
		if m.matched {
			return true, nil
		}
		m.cur, m.next = m.next, m.cur
		if i%tdfaClockEvery != 0 {
			continue
		}
		if now := time.Now(); deadline.IsZero() {
			deadline = now.Add(timeout)
		} else if now.After(deadline) {
			return false, ErrTimeout
		}
	}
}

func (inst *tdfaInst) takes(c rune) bool {
	if inst.isSingle {
		return c == inst.char
	}
	return inst.class.contains(c)
}

// add adds the thread at pc, and all it reaches without taking a
// character, to set.
func (m *tdfaMachine) add(set *threadSet, pc int) {
	m.stack = append(m.stack[:0], pc)
	for len(m.stack) > 0 {
		pc := m.stack[len(m.stack)-1]
		m.stack = m.stack[:len(m.stack)-1]
		if !set.insert(pc) {
			continue
		}
		switch inst := &m.prog.insts[pc]; inst.op {
		case tdfaInstSplit:
			m.stack = append(m.stack, inst.out1, inst.out)
		case tdfaInstTest:
			if m.holds(inst.test) {
				m.stack = append(m.stack, inst.out)
			}
		case tdfaInstMatch:
			m.matched = true
		}
	}
}

// holds decides a test between m.prev and m.peek.
func (m *tdfaMachine) holds(t tdfaTest) bool {
	prevWord, nextWord := isASCIIWord(m.prev), isASCIIWord(m.peek)
	switch t {
	case tdfaBOL:
		return m.prev == '\n'
	case tdfaEOL:
		return m.peek == '\n' || m.peek < 0
	case tdfaBOB:
		return m.atStart
	case tdfaEOB:
		return m.peek < 0
	case tdfaBOW:
		return !prevWord && nextWord
	case tdfaEOW:
		return prevWord && !nextWord
	case tdfaEdge:
		return prevWord != nextWord
	}
	return prevWord == nextWord // tdfaNotEdge
}

// isASCIIWord reports whether c is a letter or digit of ASCII, or "_".
func isASCIIWord(c rune) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_'
}

// threadSet is a set of instruction indices with constant-time clear
// (Briggs and Torczon's sparse set).
type threadSet struct {
	sparse []int
	dense  []int
}

func newThreadSet(n int) threadSet {
	return threadSet{sparse: make([]int, n), dense: make([]int, 0, n)}
}

func (s *threadSet) clear() { s.dense = s.dense[:0] }

// insert adds pc and reports whether it was new.
func (s *threadSet) insert(pc int) bool {
	if i := s.sparse[pc]; i < len(s.dense) && s.dense[i] == pc {
		return false
	}
	s.sparse[pc] = len(s.dense)
	s.dense = append(s.dense, pc)
	return true
}
