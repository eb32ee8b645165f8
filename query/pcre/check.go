package pcre

import "slices"

// The checks of the second pass that look at what was parsed: the fixed
// length of lookbehind branches and whether an item can match the empty
// string (for recursions that could loop).

// pcreLengthUnknown marks a lookbehind branch whose length depends on a
// recursion, to be worked out once the whole pattern is read.
const pcreLengthUnknown = -1

// fixedLength returns the length of a lookbehind branch, failing as PCRE
// does at p.i (its "|" or ")") if it has none.
func (p *pcreParser) fixedLength(branch *pcreNode) (int, error) {
	length, ok, deferred := pcreLength(branch, nil, p.utf)
	switch {
	case deferred:
		return pcreLengthUnknown, nil
	case ok == pcreLengthNotFixed:
		return 0, p.fail(25, p.i)
	case ok == pcreLengthByteInUTF:
		return 0, p.fail(36, p.i)
	}
	return length, nil
}

// pcreLengthVerdict says why an item has no fixed length.
type pcreLengthVerdict uint8

const (
	pcreLengthFixed pcreLengthVerdict = iota
	pcreLengthNotFixed
	pcreLengthByteInUTF
)

// pcreLength returns the length of n in units. groups resolves
// recursions; without it a recursion defers the answer.
func pcreLength(n *pcreNode, groups map[int]*pcreNode, utf bool) (length int, verdict pcreLengthVerdict, deferred bool) {
	return pcreLengthIn(n, groups, utf, nil)
}

func pcreLengthIn(n *pcreNode, groups map[int]*pcreNode, utf bool, calling []int) (int, pcreLengthVerdict, bool) {
	switch n.op {
	case pxChar, pxSet:
		return 1, pcreLengthFixed, false
	case pxAny:
		if n.byteUnit && utf {
			return 0, pcreLengthByteInUTF, false
		}
		return 1, pcreLengthFixed, false
	case pxEmpty, pxAssert, pxLook, pxVerb:
		return 0, pcreLengthFixed, false
	case pxBackref, pxNewlineSeq, pxGrapheme:
		return 0, pcreLengthNotFixed, false
	case pxConcat:
		l, v, d, _ := pcreBranchLength(n.subs, groups, utf, calling)
		return l, v, d
	case pxAlt, pxCond:
		return pcreBranchesLength(n.subs, groups, utf, calling)
	case pxGroup, pxAtomic:
		return pcreLengthIn(n.subs[0], groups, utf, calling)
	case pxRepeat:
		if n.min != n.max {
			return 0, pcreLengthNotFixed, false
		}
		if sub := n.subs[0]; sub.op == pxAny && sub.byteUnit {
			return n.min, pcreLengthFixed, false // libpcre does not look at the item of an exact repetition
		}
		l, v, d := pcreLengthIn(n.subs[0], groups, utf, calling)
		return l * n.min, v, d
	case pxRecurse:
		if groups == nil {
			return 0, pcreLengthFixed, true
		}
		target, ok := groups[n.n]
		if !ok || slices.Contains(calling, n.n) {
			return 0, pcreLengthNotFixed, false
		}
		return pcreLengthIn(target, groups, utf, append(calling, n.n))
	}
	return 0, pcreLengthNotFixed, false
}

// pcreBranchLength returns the length of a branch's items; a (*ACCEPT)
// ends it (accepted).
func pcreBranchLength(items []*pcreNode, groups map[int]*pcreNode, utf bool, calling []int) (length int, v pcreLengthVerdict, deferred, accepted bool) {
	for _, item := range items {
		if item.op == pxVerb && item.verb == pcreAccept {
			return length, pcreLengthFixed, deferred, true
		}
		l, v, d := pcreLengthIn(item, groups, utf, calling)
		if v != pcreLengthFixed {
			return 0, v, false, false
		}
		length += l
		deferred = deferred || d
	}
	return length, pcreLengthFixed, deferred, false
}

// pcreBranchesLength returns the length of alternatives, which must all
// have the same; as libpcre measures them in turn, a (*ACCEPT) ends the
// group there: the branches after it are not looked at.
func pcreBranchesLength(subs []*pcreNode, groups map[int]*pcreNode, utf bool, calling []int) (int, pcreLengthVerdict, bool) {
	length, deferred := -1, false
	for _, sub := range subs {
		var l int
		var v pcreLengthVerdict
		var d, accepted bool
		if sub.op == pxConcat {
			l, v, d, accepted = pcreBranchLength(sub.subs, groups, utf, calling)
		} else {
			l, v, d = pcreLengthIn(sub, groups, utf, calling)
		}
		if v != pcreLengthFixed {
			return 0, v, false
		}
		if accepted {
			if length >= 0 && l != length {
				return 0, pcreLengthNotFixed, false
			}
			return l, pcreLengthFixed, deferred || d
		}
		if d {
			deferred = true
			continue
		}
		if length >= 0 && l != length {
			return 0, pcreLengthNotFixed, false
		}
		length = l
	}
	return max(length, 0), pcreLengthFixed, deferred
}

// resolveLookbehinds works out the lengths of the lookbehind branches
// that call groups, now that all groups are known; false if one has no
// fixed length.
func resolveLookbehinds(n *pcreNode, groups map[int]*pcreNode) bool {
	if n.op == pxLook && n.behind {
		for i, l := range n.lengths {
			if l != pcreLengthUnknown {
				continue
			}
			length, v, _ := pcreLength(n.subs[i], groups, false)
			if v != pcreLengthFixed {
				return false
			}
			n.lengths[i] = length
		}
	}
	for _, sub := range n.subs {
		if !resolveLookbehinds(sub, groups) {
			return false
		}
	}
	if n.cond != nil {
		return resolveLookbehinds(n.cond, groups)
	}
	return true
}

// couldBeEmpty reports whether n can match the empty string, as libpcre
// judges it when it checks a recursion: a group can if one of its
// branches can, and a branch can if its items all can or, before one that
// cannot, it calls a group not completely read yet (libpcre gives up on
// the branch there). A recursion met again counts as empty.
func (p *pcreParser) couldBeEmpty(n *pcreNode, calling []int) bool {
	switch n.op {
	case pxChar, pxSet, pxAny, pxNewlineSeq, pxGrapheme:
		return false
	case pxConcat:
		return p.branchCouldBeEmpty(n.subs, calling)
	case pxAlt:
		for _, sub := range n.subs {
			if p.couldBeEmpty(sub, calling) {
				return true
			}
		}
		return false
	case pxCond:
		if len(n.subs) < 2 {
			return true
		}
		return p.couldBeEmpty(n.subs[0], calling) || p.couldBeEmpty(n.subs[1], calling)
	case pxGroup, pxAtomic:
		return p.couldBeEmpty(n.subs[0], calling)
	case pxRepeat:
		return n.min == 0 || p.couldBeEmpty(n.subs[0], calling)
	case pxRecurse:
		target, done := p.completed[n.n]
		if !done || n.n == 0 || slices.Contains(calling, n.n) {
			return true
		}
		return p.couldBeEmpty(target, append(calling, n.n))
	}
	return true
}

// branchCouldBeEmpty judges the items of a branch.
func (p *pcreParser) branchCouldBeEmpty(items []*pcreNode, calling []int) bool {
	for _, item := range items {
		if item.op == pxRecurse {
			if _, done := p.completed[item.n]; !done || item.n == 0 {
				return true
			}
		}
		if !p.couldBeEmpty(item, calling) {
			return false
		}
	}
	return true
}

// libpcre makes a repetition possessive when what follows cannot match
// what it repeats, so that no backtracking into it is tried. It is wrong
// in two ways: for some pairs of escapes its table says so although they
// overlap (\S against \h, \v and \R: 0xa0 and 0x85 are in both; "." and
// \N against \R; \R against \s, "." and \N; \h and \v against \S),
// and it takes the end of a branch of an atomic group, other than the
// last, for something that cannot match. pcreAutoPossess makes those
// repetitions possessive too, so that they fail where libpcre's do.

// pcreBadPossessPairs are the pairs of (repeated, following) escapes of
// the wrong table entries; "." stands for "." without (?s) and \N.
var pcreBadPossessPairs = map[[2]byte]bool{
	{'S', 'R'}: true, {'S', 'h'}: true, {'S', 'v'}: true, {'.', 'R'}: true,
	{'R', 's'}: true, {'R', '.'}: true, {'h', 'S'}: true, {'v', 'S'}: true,
}

// pcreRest is what follows an item: the rest of its branch, then, at the
// end of a group of one branch, what follows the group.
type pcreRest struct {
	items            []*pcreNode
	outer            *pcreRest
	endsAtomicBranch bool // the items end a branch of an atomic group, not its last
}

// pcreAutoPossess marks the repetitions in n that libpcre makes
// possessive by mistake; rest is what follows n.
func pcreAutoPossess(n *pcreNode, rest *pcreRest) {
	switch n.op {
	case pxConcat:
		for i, item := range n.subs {
			after := &pcreRest{items: n.subs[i+1:], outer: rest}
			if item.op == pxRepeat && !item.possessive && pcrePossessable(item.subs[0]) {
				if ok, bad := pcreFollowsApart(item.subs[0], after, !item.lazy); ok && bad {
					item.possessive, item.lazy = true, false
				}
			}
			pcreAutoPossess(item, after)
		}
	case pxAlt:
		for _, sub := range n.subs {
			if len(n.subs) == 1 {
				pcreAutoPossess(sub, rest)
			} else {
				pcreAutoPossess(sub, nil)
			}
		}
	case pxGroup:
		pcreAutoPossess(n.subs[0], rest)
	default:
		for _, sub := range n.subs {
			pcreAutoPossess(sub, nil)
		}
		if n.cond != nil {
			pcreAutoPossess(n.cond, nil)
		}
	}
}

// pcrePossessable reports whether x is an item whose repetition libpcre
// can make possessive: one that matches a single unit, or \R.
func pcrePossessable(x *pcreNode) bool {
	switch x.op {
	case pxChar, pxSet, pxAny, pxNewlineSeq:
		return !x.byteUnit
	}
	return false
}

// pcreFollowsApart reports whether every item that can come right after
// a repetition of x is, by libpcre's judgement, unable to match what x
// matches (ok), and whether that judgement was wrong (bad). greedy
// repetitions look into atomic groups.
func pcreFollowsApart(x *pcreNode, rest *pcreRest, greedy bool) (ok, bad bool) {
	for rest != nil && len(rest.items) == 0 && !rest.endsAtomicBranch {
		rest = rest.outer
	}
	if rest == nil {
		return false, false
	}
	if len(rest.items) == 0 {
		return true, true // the end of an atomic group's branch, not its last
	}
	y, tail := rest.items[0], &pcreRest{items: rest.items[1:], outer: rest.outer, endsAtomicBranch: rest.endsAtomicBranch}
	switch y.op {
	case pxChar, pxSet, pxAny, pxNewlineSeq:
		return pcrePairApart(x, y)
	case pxRepeat:
		ok, bad := pcreFollowsApart(x, &pcreRest{items: []*pcreNode{y.subs[0]}}, greedy)
		if ok && y.min == 0 {
			okTail, badTail := pcreFollowsApart(x, tail, greedy)
			return okTail, bad || badTail
		}
		return ok, bad
	case pxGroup, pxAtomic:
		if y.op == pxAtomic && !greedy {
			return false, false
		}
		body := y.subs[0]
		if body.op != pxAlt { // a group that refers back to itself
			return false, false
		}
		for i, branch := range body.subs {
			after := &pcreRest{items: branch.subs, outer: tail}
			if y.op == pxAtomic && i < len(body.subs)-1 {
				after = &pcreRest{items: branch.subs, endsAtomicBranch: true}
			}
			okBranch, badBranch := pcreFollowsApart(x, after, greedy)
			if !okBranch {
				return false, false
			}
			bad = bad || badBranch
		}
		return true, bad
	}
	return false, false
}

// pcrePairApart judges whether y cannot match a unit x matches.
func pcrePairApart(x, y *pcreNode) (ok, bad bool) {
	yLetter := y.typeLetter
	if y.op == pxAny && y.dotall {
		yLetter = 0
	}
	if pcreBadPossessPairs[[2]byte{x.typeLetter, yLetter}] {
		return true, true
	}
	for c := rune(0); c < 256; c++ {
		if pcreUnitIn(x, c) && pcreUnitIn(y, c) {
			return false, false
		}
	}
	return true, false
}

// pcreUnitIn reports whether an item that matches one unit (or \R) can
// match starting with byte c.
func pcreUnitIn(n *pcreNode, c rune) bool {
	switch n.op {
	case pxChar:
		return c == n.c || (n.caseless && c|0x20 == n.c|0x20 && isPCRELetter(byte(c)))
	case pxSet:
		return n.set.contains(c)
	case pxAny:
		return n.dotall || c != '\n'
	case pxNewlineSeq:
		return c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == 0x85
	}
	return true
}
