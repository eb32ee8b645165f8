package pcre

import (
	"slices"
	"sync"
)

// A parsed PCRE pattern is compiled to a graph of instructions, each
// knowing the one after it; match.go runs them.

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

// pcreInst is one instruction; which of its fields count depends on op.
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

// Regexp is a compiled pattern. It is safe for concurrent use.
type Regexp struct {
	pattern  *pcrePattern
	first    pcreReq // the code unit every match starts with, if any
	req      pcreReq // a code unit every match holds, if any
	anchored bool    // matches start only at the start of the subject
	start    *pcreInst
	groups   map[int]*pcreInst // the bodies that recursions call; 0 is the pattern
	loops    int
	machines sync.Pool
}

// Compile parses and compiles pattern, or fails with a *SyntaxError.
func Compile(pattern string) (*Regexp, error) {
	pat, err := parsePCRE(pattern)
	if err != nil {
		return nil, err
	}
	c := &pcreCompiler{pat: pat, groups: map[int]*pcreInst{}}
	re := &Regexp{pattern: pat}
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
