package pcre

import "unicode/utf8"

// libpcre speeds up a search with two facts it works out while compiling:
// a first code unit every match starts with, so that only positions
// holding it are tried, and a required code unit that must occur in the
// subject (after the first one), without which no match is tried at all.
// Both are normally true and change nothing but speed. They are not when
// (*COMMIT) stops the search at a position that would have been skipped,
// or when the required unit comes from a lookahead that looks at the
// first unit itself ("(?=a?a)(?i:a)" then needs two a's). The rules below
// are libpcre's, item by item, so that its answers come out the same.

// pcreReq is a first or required code unit with its flags.
type pcreReq struct {
	c     int
	flags int
}

// The flags of a pcreReq; a non-negative value is a unit with the
// caseless and vary bits.
const (
	pcreReqUnset    = -2 // nothing seen yet
	pcreReqNone     = -1 // there is none
	pcreReqCaseless = 1  // either case matches
	pcreReqVary     = 2  // the unit follows a variable-length item
)

// pcreStarts is the state of the computation along a branch.
type pcreStarts struct {
	first, req         pcreReq
	zeroFirst, zeroReq pcreReq // what a repetition of at least zero restores
	utf                bool
	vary               *int // the vary bit of the branches so far
	hadAccept          *bool
}

// pcreStartUnits returns the first and required units of a pattern as
// libpcre uses them: first only if the pattern is not anchored, req only
// if the pattern is not anchored or req follows a variable-length item.
func pcreStartUnits(pat *pcrePattern) (first, req pcreReq) {
	vary, hadAccept := 0, false
	first, req = pcreGroupStarts(pat.root.subs, nil, pat.utf, &vary, &hadAccept)
	if hadAccept {
		req = pcreReq{0, pcreReqNone}
	}
	anchored := pcreAnchored(pat.root)
	if anchored {
		first = pcreReq{0, pcreReqNone}
	} else if first.flags < 0 {
		first = pcreAssertedFirst(pat.root.subs, false)
	}
	if req.flags >= 0 && anchored && req.flags&pcreReqVary == 0 {
		req = pcreReq{0, pcreReqNone}
	}
	return pcreCaseable(first, pat.utf), pcreCaseable(req, pat.utf)
}

// pcreCaseable drops the caseless flag of a unit that has no other case.
func pcreCaseable(r pcreReq, utf bool) pcreReq {
	if r.flags >= 0 && r.flags&pcreReqCaseless != 0 && !(r.c < 128 && isPCRELetter(byte(r.c))) {
		r.flags &^= pcreReqCaseless
	}
	return r
}

// pcreGroupStarts combines the branches of a group: a first unit they do
// not share becomes none (and the required unit if there was none), and
// required units they do not share become none. cond is a condition
// assertion read at the start of the first branch.
func pcreGroupStarts(branches []*pcreNode, cond *pcreNode, utf bool, vary *int, hadAccept *bool) (first, req pcreReq) {
	for i, branch := range branches {
		items := branch.subs
		if i == 0 && cond != nil {
			items = append([]*pcreNode{cond}, items...)
		}
		st := &pcreStarts{first: pcreReq{0, pcreReqUnset}, req: pcreReq{0, pcreReqUnset}, utf: utf, vary: vary, hadAccept: hadAccept}
		st.zeroFirst, st.zeroReq = st.first, st.req
		for _, item := range items {
			st.item(item)
		}
		if st.first.flags == pcreReqUnset { // a branch without a first unit has none
			st.first.flags = pcreReqNone
		}
		if i == 0 {
			first, req = st.first, st.req
			continue
		}
		bf, br := st.first, st.req
		if first.flags >= 0 && (first.flags != bf.flags || first.c != bf.c) {
			if req.flags < 0 {
				req = first
			}
			first.flags = pcreReqNone
		}
		if first.flags < 0 && bf.flags >= 0 && br.flags < 0 {
			br = bf
		}
		if req.flags&^pcreReqVary != br.flags&^pcreReqVary || req.c != br.c {
			req.flags = pcreReqNone
		} else {
			req.c, req.flags = br.c, req.flags|br.flags
		}
	}
	return first, req
}

// item applies one item of a branch.
func (st *pcreStarts) item(n *pcreNode) {
	if n.op == pxRepeat {
		st.repeat(n)
		return
	}
	st.single(n)
}

// single applies an item that is not a repetition and returns what a
// repetition of it needs: its last unit if it is a character, and whether
// a group set the first unit.
func (st *pcreStarts) single(n *pcreNode) (lastUnit int, isChar, groupSetFirst bool) {
	switch n.op {
	case pxChar:
		return st.char(n.c, n.icase), true, false
	case pxSet:
		if n.set.members == 1 && !n.set.negated {
			return st.char(n.set.only, n.icase), true, false
		}
		st.matchesSomething()
	case pxAny, pxNewlineSeq, pxGrapheme:
		st.matchesSomething()
	case pxAssert:
		if n.test == pcreBOL && n.multiline && st.first.flags == pcreReqUnset {
			st.first.flags, st.zeroFirst.flags = pcreReqNone, pcreReqNone
		}
	case pxBackref, pxRecurse:
		st.zeroFirst, st.zeroReq = st.first, st.req
		if st.first.flags == pcreReqUnset {
			st.first.flags, st.zeroFirst.flags = pcreReqNone, pcreReqNone
		}
	case pxVerb:
		if n.verb == pcreAccept {
			*st.hadAccept = true
			if st.first.flags == pcreReqUnset {
				st.first.flags = pcreReqNone
			}
		}
	case pxLook:
		st.zeroFirst, st.zeroReq = st.first, st.req
		if !n.negated && !n.behind {
			_, subReq := pcreGroupStarts(n.subs, nil, st.utf, st.vary, st.hadAccept)
			if subReq.flags >= 0 {
				st.req = subReq
			}
		}
	case pxGroup, pxAtomic, pxCond:
		return 0, false, st.group(n)
	}
	return 0, false, false
}

// matchesSomething applies an item that matches a unit other than a known
// character.
func (st *pcreStarts) matchesSomething() {
	if st.first.flags == pcreReqUnset {
		st.first.flags = pcreReqNone
	}
	st.zeroFirst, st.zeroReq = st.first, st.req
}

// char applies the character c and returns its last code unit.
func (st *pcreStarts) char(c rune, icase bool) int {
	units := []byte{byte(c)}
	if st.utf {
		units = utf8.AppendRune(nil, c)
	}
	caseopt := 0
	if icase {
		caseopt = pcreReqCaseless
	}
	last := int(units[len(units)-1])
	if st.first.flags == pcreReqUnset {
		st.zeroFirst, st.zeroReq = pcreReq{0, pcreReqNone}, st.req
		if len(units) == 1 || caseopt == 0 {
			st.first = pcreReq{int(units[0]), caseopt}
			if len(units) > 1 {
				st.req = pcreReq{last, *st.vary}
			}
		} else {
			st.first.flags, st.req.flags = pcreReqNone, pcreReqNone
		}
		return last
	}
	st.zeroFirst, st.zeroReq = st.first, st.req
	if len(units) == 1 || caseopt == 0 {
		st.req = pcreReq{last, caseopt | *st.vary}
	}
	return last
}

// group applies a group and reports whether it set the first unit.
func (st *pcreStarts) group(n *pcreNode) (setFirst bool) {
	before := *st.vary
	var subFirst, subReq pcreReq
	switch {
	case n.op == pxCond && n.condKind == pcreCondDefine:
		return false
	case n.op == pxCond:
		subFirst, subReq = pcreGroupStarts(n.subs, n.cond, st.utf, st.vary, st.hadAccept)
		if len(n.subs) < 2 {
			subFirst.flags, subReq.flags = pcreReqNone, pcreReqNone
		}
	default:
		body := n.subs[0]
		if body.op != pxAlt { // a group referring to itself, made atomic
			return st.group(body)
		}
		subFirst, subReq = pcreGroupStarts(body.subs, nil, st.utf, st.vary, st.hadAccept)
	}
	st.zeroFirst, st.zeroReq = st.first, st.req
	if st.first.flags == pcreReqUnset && subFirst.flags != pcreReqUnset {
		if subFirst.flags >= 0 {
			st.first, setFirst = subFirst, true
		} else {
			st.first.flags = pcreReqNone
		}
		st.zeroFirst.flags = pcreReqNone
	} else if subFirst.flags >= 0 && subReq.flags < 0 {
		subReq = pcreReq{subFirst.c, subFirst.flags | before}
	}
	if subReq.flags >= 0 {
		st.req = subReq
	}
	return setFirst
}

// repeat applies a quantified item.
func (st *pcreStarts) repeat(n *pcreNode) {
	sub := n.subs[0]
	last, isChar, groupSetFirst := st.single(sub)
	if n.min != n.max {
		defer func() { *st.vary |= pcreReqVary }()
	}
	if sub.op == pxLook && n.min > 0 {
		return // a repeated assertion is the assertion
	}
	if n.min == 0 {
		st.first, st.req = st.zeroFirst, st.zeroReq
	}
	if isChar && n.min > 1 {
		caseopt := 0
		if sub.icase {
			caseopt = pcreReqCaseless
		}
		st.req = pcreReq{last, caseopt | *st.vary}
	}
	if groupSetFirst && n.min > 1 && st.req.flags < 0 {
		st.req = st.first
	}
}

// pcreAnchored reports whether every branch of a group starts with \A,
// \G, ^ outside multiline mode, or a group that is itself anchored.
func pcreAnchored(n *pcreNode) bool {
	for _, branch := range n.subs {
		first := pcreFirstSignificant(branch.subs, false)
		switch {
		case first == nil:
			return false
		case first.op == pxAssert && (first.test == pcreStart || (first.test == pcreBOL && !first.multiline)):
		case (first.op == pxGroup || first.op == pxAtomic) && first.subs[0].op == pxAlt && pcreAnchored(first.subs[0]):
		default:
			return false
		}
	}
	return true
}

// pcreFirstSignificant returns the first item of a branch that libpcre's
// scans look at: conditions' references and callouts are not items here,
// and skipAsserts skips negative and backward assertions and \b \B.
func pcreFirstSignificant(items []*pcreNode, skipAsserts bool) *pcreNode {
	for _, item := range items {
		switch {
		case skipAsserts && item.op == pxLook && (item.negated || item.behind):
		case skipAsserts && item.op == pxAssert && (item.test == pcreWordEdge || item.test == pcreNotWordEdge):
		default:
			return item
		}
	}
	return nil
}

// pcreAssertedFirst returns a first unit that lookaheads at the start of
// every branch agree on, for patterns such as "(?=a)a.+".
func pcreAssertedFirst(branches []*pcreNode, inAssert bool) pcreReq {
	found := pcreReq{0, pcreReqNone}
	for _, branch := range branches {
		first := pcreFirstSignificant(branch.subs, true)
		var d pcreReq
		switch {
		case first == nil:
			return pcreReq{0, pcreReqNone}
		case first.op == pxLook && !first.negated && !first.behind:
			d = pcreAssertedFirst(first.subs, true)
		case (first.op == pxGroup || first.op == pxAtomic) && first.subs[0].op == pxAlt:
			d = pcreAssertedFirst(first.subs[0].subs, false)
		case inAssert && pcreIsFirstChar(first):
			d = pcreCharReq(first)
		default:
			return pcreReq{0, pcreReqNone}
		}
		if d.flags < 0 {
			return pcreReq{0, pcreReqNone}
		}
		if found.flags < 0 {
			found = d
		} else if found != d {
			return pcreReq{0, pcreReqNone}
		}
	}
	return found
}

// pcreIsFirstChar reports whether n is a character, or a repetition of one
// at least once.
func pcreIsFirstChar(n *pcreNode) bool {
	if n.op == pxRepeat && n.min > 0 {
		n = n.subs[0]
	}
	return n.op == pxChar && n.c < 0x80
}

func pcreCharReq(n *pcreNode) pcreReq {
	if n.op == pxRepeat {
		n = n.subs[0]
	}
	if n.icase {
		return pcreReq{int(n.c), pcreReqCaseless}
	}
	return pcreReq{int(n.c), 0}
}
