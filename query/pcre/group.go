package pcre

import "strings"

// Parenthesized items of the PCRE dialect: groups, assertions, references
// and recursions by name and number, verbs, callouts, option settings and
// conditions.

// group reads a parenthesized item from its "(". It returns nil for an
// option setting or a callout, which match nothing and cannot be repeated.
func (p *pcreParser) group() (*pcreNode, error) {
	p.i++
	if p.cur() == '*' && (p.at(p.i+1) == ':' || isPCRELetter(p.at(p.i+1))) {
		return p.verb()
	}
	if p.cur() != '?' {
		return p.capturing()
	}
	p.i++
	switch c := p.cur(); c {
	case '|':
		p.i++
		return p.subgroup(&pcreNode{op: pxGroup}, true, -1)
	case ':':
		p.i++
		return p.subgroup(&pcreNode{op: pxGroup}, false, -1)
	case '(':
		return p.conditional()
	case '=':
		p.i++
		return p.subgroup(&pcreNode{op: pxLook}, false, -1)
	case '!':
		p.i++
		next := p.at(p.i + 1)
		if p.cur() == ')' && next != '*' && next != '+' && next != '?' &&
			(next != '{' || !pcreCountedRepeat(p.pat, p.i+2)) {
			p.i++
			return &pcreNode{op: pxVerb, verb: pcreFail}, nil
		}
		return p.subgroup(&pcreNode{op: pxLook, negated: true}, false, -1)
	case '<':
		switch p.at(p.i + 1) {
		case '=', '!':
			negated := p.at(p.i+1) == '!'
			p.i += 2
			return p.subgroup(&pcreNode{op: pxLook, behind: true, negated: negated}, false, -1)
		}
		if !isPCREWord(p.at(p.i + 1)) {
			return nil, p.fail(24, p.i+1)
		}
		return p.namedGroup('>')
	case '\'':
		return p.namedGroup('\'')
	case '>':
		p.i++
		return p.subgroup(&pcreNode{op: pxAtomic}, false, -1)
	case 'C':
		return nil, p.callout()
	case 'P':
		p.i++
		switch p.cur() {
		case '=':
			return p.namedReference(')', false)
		case '>':
			return p.namedReference(')', true)
		case '<':
			return p.namedGroup('>')
		}
		return nil, p.fail(41, p.i)
	case '&':
		return p.namedReference(')', true)
	case 'R', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+':
		if c == 'R' {
			p.i++
		}
		return p.numberedRecursion(')')
	case '-':
		if isASCIIDigit(rune(p.at(p.i + 1))) {
			return p.numberedRecursion(')')
		}
	}
	return p.optionSetting()
}

// capturing reads a capturing group after its "(".
func (p *pcreParser) capturing() (*pcreNode, error) {
	p.groups++
	n := p.groups
	return p.subgroup(&pcreNode{op: pxGroup, n: n}, false, n)
}

// subgroup reads the branches of node and its ")".
func (p *pcreParser) subgroup(node *pcreNode, reset bool, group int) (*pcreNode, error) {
	p.depth++
	if p.depth > pcreParensLimit {
		return nil, p.fail(82, p.i)
	}
	if node.n > 0 {
		p.openGroups = append(p.openGroups, node)
	}
	body, err := p.alternation(node, reset, group)
	if err != nil {
		return nil, err
	}
	if node.n > 0 {
		p.openGroups = p.openGroups[:len(p.openGroups)-1]
		if p.second {
			p.completed[node.n] = node
		}
	}
	p.depth--
	if p.cur() != ')' || p.i >= len(p.pat) {
		return nil, p.fail(14, p.i)
	}
	p.i++
	if node.op == pxLook {
		node.subs, node.lengths = body.subs, body.lengths
		return node, nil
	}
	node.subs = []*pcreNode{body}
	if node.selfReferring {
		return &pcreNode{op: pxAtomic, subs: []*pcreNode{node}}, nil
	}
	return node, nil
}

// namedGroup reads a named capturing group from the first character of
// its name; terminator ends the name.
func (p *pcreParser) namedGroup(terminator byte) (*pcreNode, error) {
	name, err := p.readName()
	if err != nil {
		return nil, err
	}
	if !p.second {
		if p.cur() != terminator || p.i >= len(p.pat) {
			return nil, p.fail(42, p.i)
		}
		if len(name) > pcreMaxNameSize {
			return nil, p.fail(48, p.i)
		}
		if err := p.addName(name, p.groups+1); err != nil {
			return nil, err
		}
	}
	p.i++
	return p.capturing()
}

// readName reads a group name after the character at p.i: word
// characters, not starting with a digit.
func (p *pcreParser) readName() (string, error) {
	p.i++
	start := p.i
	if isASCIIDigit(rune(p.cur())) {
		return "", p.fail(84, p.i)
	}
	for isPCREWord(p.cur()) && p.i < len(p.pat) {
		p.i++
	}
	return p.pat[start:p.i], nil
}

// addName records that group number is called name, as the first pass
// of PCRE does: the same name twice needs (?J), unless it names the same
// group ((?| branches); a group cannot have two names.
func (p *pcreParser) addName(name string, number int) error {
	for _, known := range p.names {
		if known.name == name {
			if known.number == number {
				return nil
			}
			if !p.opts.dupnames {
				return p.fail(43, p.i)
			}
		} else if known.number == number {
			return p.fail(65, p.i)
		}
	}
	p.names = append(p.names, pcreName{name, number})
	return nil
}

// namedReference reads the name of a reference ((?P=name), \k<name>) or
// of a recursion ((?&name), (?P>name), \g<name>) from the character
// before it; terminator ends the name.
func (p *pcreParser) namedReference(terminator byte, recurse bool) (*pcreNode, error) {
	name, err := p.readName()
	if err != nil {
		return nil, err
	}
	if !p.second {
		switch {
		case name == "":
			return nil, p.fail(62, p.i)
		case p.cur() != terminator || p.i >= len(p.pat):
			return nil, p.fail(42, p.i)
		case len(name) > pcreMaxNameSize:
			return nil, p.fail(48, p.i)
		}
		p.i++
		if recurse {
			return &pcreNode{op: pxRecurse}, nil
		}
		return &pcreNode{op: pxBackref}, nil
	}
	groups := p.groupsNamed(name)
	if len(groups) == 0 {
		return nil, p.fail(15, p.i)
	}
	if recurse {
		return p.recursion(groups[0])
	}
	p.i++
	return p.backref(groups), nil
}

// groupsNamed returns the numbers of the groups called name.
func (p *pcreParser) groupsNamed(name string) []int {
	var groups []int
	for _, known := range p.names {
		if known.name == name {
			groups = append(groups, known.number)
		}
	}
	return groups
}

// backref makes a back reference to the first set of groups. A group
// that refers back to itself becomes atomic, as libpcre makes it.
func (p *pcreParser) backref(groups []int) *pcreNode {
	for _, g := range groups {
		p.topBackref = max(p.topBackref, g)
		for _, open := range p.openGroups {
			if open.n == g {
				open.selfReferring = true
			}
		}
	}
	return &pcreNode{op: pxBackref, n: groups[0], groups: groups, caseless: p.opts.caseless}
}

// numberedRecursion reads (?R), (?n), (?+n) and (?-n), or \g<n>, from
// the sign or first digit; terminator ends it.
func (p *pcreParser) numberedRecursion(terminator byte) (*pcreNode, error) {
	sign := p.cur()
	switch sign {
	case '+':
		p.i++
		if !isASCIIDigit(rune(p.cur())) {
			return nil, p.fail(63, p.i)
		}
	case '-':
		p.i++
	}
	n := 0
	for isASCIIDigit(rune(p.cur())) {
		if n > pcreIntDigitsMax {
			for isASCIIDigit(rune(p.cur())) {
				p.i++
			}
			return nil, p.fail(61, p.i)
		}
		n = n*10 + int(p.cur()-'0')
		p.i++
	}
	if p.cur() != terminator || p.i >= len(p.pat) {
		return nil, p.fail(29, p.i)
	}
	switch sign {
	case '-':
		if n == 0 {
			return nil, p.fail(58, p.i)
		}
		n = p.groups - n + 1
		if n <= 0 {
			return nil, p.fail(15, p.i)
		}
	case '+':
		if n == 0 {
			return nil, p.fail(58, p.i)
		}
		n += p.groups
	}
	return p.recursion(n)
}

// recursion makes a call of group n, p.i at the terminator of its syntax.
func (p *pcreParser) recursion(n int) (*pcreNode, error) {
	if p.second {
		if n > p.final {
			return nil, p.fail(15, p.i)
		}
		if p.condDepth == 0 && p.isOpen(n) && p.couldLoop(n) {
			return nil, p.fail(40, p.i)
		}
	}
	p.i++
	return &pcreNode{op: pxRecurse, n: n}, nil
}

// isOpen reports whether group n (0: the pattern) is being read.
// The group called is the first of that number, which with (?| may be
// complete while another of the number is being read.
func (p *pcreParser) isOpen(n int) bool {
	if n == 0 {
		return true
	}
	if _, done := p.completed[n]; done {
		return false
	}
	for _, g := range p.openGroups {
		if g.n == n {
			return true
		}
	}
	return false
}

// couldLoop reports whether a recursion into the open group n could be
// reached without consuming anything since the group started: every
// branch being read, from the innermost to group n's, is so far empty
// or able to match the empty string. An assertion being read counts, as
// libpcre's scan sees it, as able to match the empty string only if its
// first branch is being read or can.
func (p *pcreParser) couldLoop(n int) bool {
	for i := len(p.branches) - 1; i >= 0; i-- {
		b := p.branches[i]
		if !p.branchCouldBeEmpty(*b.items, nil) {
			return false
		}
		if b.group == n {
			return true
		}
		if b.assertion && len(b.earlier) > 0 && !p.couldBeEmpty(b.earlier[0], nil) {
			return false
		}
	}
	return true
}

// verb reads a backtracking verb from its "*".
func (p *pcreParser) verb() (*pcreNode, error) {
	p.i++
	start := p.i
	for isPCRELetter(p.cur()) && p.i < len(p.pat) {
		p.i++
	}
	name := p.pat[start:p.i]
	arg, hasArg := "", false
	if p.cur() == ':' {
		p.i++
		argStart := p.i
		for p.i < len(p.pat) && p.cur() != ')' {
			p.i++
		}
		arg, hasArg = p.pat[argStart:p.i], p.i > argStart
		if len(arg) > pcreMaxMark {
			return nil, p.fail(75, p.i)
		}
	}
	if p.cur() != ')' || p.i >= len(p.pat) {
		return nil, p.fail(60, p.i)
	}
	kinds := map[string]pcreVerbKind{"MARK": pcreMark, "": pcreMark, "ACCEPT": pcreAccept, "COMMIT": pcreCommit,
		"F": pcreFail, "FAIL": pcreFail, "PRUNE": pcrePrune, "SKIP": pcreSkip, "THEN": pcreThen}
	kind, ok := kinds[name]
	switch {
	case !ok:
		return nil, p.fail(60, p.i)
	case hasArg && (kind == pcreAccept || kind == pcreCommit || kind == pcreFail):
		return nil, p.fail(59, p.i)
	case !hasArg && kind == pcreMark:
		return nil, p.fail(66, p.i)
	}
	p.i++
	return &pcreNode{op: pxVerb, verb: kind, name: arg}, nil
}

// callout reads (?Cn) from its "C"; a callout matches nothing.
func (p *pcreParser) callout() error {
	p.i++
	n := 0
	for isASCIIDigit(rune(p.cur())) {
		n = n*10 + int(p.cur()-'0')
		p.i++
		if n > 255 {
			return p.fail(38, p.i)
		}
	}
	if p.cur() != ')' || p.i >= len(p.pat) {
		return p.fail(39, p.i)
	}
	p.i++
	return nil
}

// pcreOptionLetters are the letters of option settings and the options
// they set.
var pcreOptionLetters = map[byte]func(*pcreOptions) *bool{
	'J': func(o *pcreOptions) *bool { return &o.dupnames },
	'i': func(o *pcreOptions) *bool { return &o.caseless },
	'm': func(o *pcreOptions) *bool { return &o.multiline },
	's': func(o *pcreOptions) *bool { return &o.dotall },
	'x': func(o *pcreOptions) *bool { return &o.extended },
	'U': func(o *pcreOptions) *bool { return &o.ungreedy },
	'X': func(o *pcreOptions) *bool { return &o.extra },
}

// optionSetting reads (?imsxUXJ-imsxUXJ) or (?imsx-imsx: ...) from the
// first option letter.
func (p *pcreParser) optionSetting() (*pcreNode, error) {
	opts := p.opts
	on := true
	for p.i >= len(p.pat) || (p.cur() != ')' && p.cur() != ':') {
		if p.i >= len(p.pat) {
			return nil, p.fail(12, p.i)
		}
		c := p.cur()
		p.i++
		if c == '-' {
			on = false
			continue
		}
		option, ok := pcreOptionLetters[c]
		if !ok {
			return nil, p.fail(12, p.i-1)
		}
		*option(&opts) = on
	}
	if p.cur() == ')' {
		p.i++
		p.opts = opts
		return nil, nil
	}
	p.i++
	outer := p.opts
	p.opts = opts
	node, err := p.subgroup(&pcreNode{op: pxGroup}, false, -1)
	p.opts = outer
	return node, err
}

// conditional reads (?(condition)yes|no) from the "(" of the condition.
func (p *pcreParser) conditional() (*pcreNode, error) {
	node := &pcreNode{op: pxCond}
	assertAt := p.i
	if p.at(p.i+1) == '?' && p.at(p.i+2) == 'C' {
		k := p.i + 3
		for isASCIIDigit(rune(p.at(k))) {
			k++
		}
		if p.at(k) == ')' && k < len(p.pat) {
			assertAt = k + 1
		}
		if p.at(assertAt) != '(' || assertAt >= len(p.pat) {
			return nil, p.fail(28, p.i)
		}
	}
	if p.at(assertAt+1) == '?' && (p.at(assertAt+2) == '=' || p.at(assertAt+2) == '!' ||
		(p.at(assertAt+2) == '<' && (p.at(assertAt+3) == '=' || p.at(assertAt+3) == '!'))) {
		p.i = assertAt
		p.condDepth++
		cond, err := p.group()
		p.condDepth--
		if err != nil {
			return nil, err
		}
		if cond.op != pxLook { // (?!) alone: an assertion that fails
			cond = &pcreNode{op: pxLook, negated: true}
		}
		node.condKind, node.cond = pcreCondAssert, cond
		return p.conditionalBody(node)
	}
	if err := p.condition(node); err != nil {
		return nil, err
	}
	return p.conditionalBody(node)
}

// condition reads a condition that is not an assertion, from its "(",
// through its ")".
func (p *pcreParser) condition(node *pcreNode) error {
	p.i++
	var terminator byte
	sign := byte(0)
	number := false
	recursionByName := false
	switch c := p.cur(); {
	case c == 'R' && p.at(p.i+1) == '&':
		recursionByName = true
		p.i += 2
		terminator = 0xff
	case c == '<':
		terminator = '>'
		p.i++
	case c == '\'':
		terminator = '\''
		p.i++
	case c == '-' || c == '+':
		sign, number = c, true
		p.i++
	case isASCIIDigit(rune(c)):
		number = true
	}
	n := 0
	var name string
	if number {
		for isASCIIDigit(rune(p.cur())) {
			if n > pcreIntDigitsMax {
				for isASCIIDigit(rune(p.cur())) {
					p.i++
				}
				return p.fail(61, p.i)
			}
			n = n*10 + int(p.cur()-'0')
			p.i++
		}
	} else {
		if isASCIIDigit(rune(p.cur())) {
			return p.fail(84, p.i)
		}
		if !isPCREWord(p.cur()) || p.i >= len(p.pat) {
			return p.fail(28, p.i)
		}
		start := p.i
		for isPCREWord(p.cur()) && p.i < len(p.pat) {
			p.i++
		}
		name = p.pat[start:p.i]
	}
	if terminator != 0 && terminator != 0xff {
		if p.cur() != terminator || p.i >= len(p.pat) {
			return p.fail(26, p.i)
		}
		p.i++
	}
	if p.cur() != ')' || p.i >= len(p.pat) {
		return p.fail(26, p.i)
	}
	p.i++
	if !p.second {
		return nil
	}
	if number {
		if n <= 0 {
			return p.fail(35, p.i)
		}
		switch sign {
		case '-':
			n = p.groups - n + 1
		case '+':
			n += p.groups
		}
		if n <= 0 || n > p.final {
			return p.fail(15, p.i)
		}
		p.topBackref = max(p.topBackref, n)
		node.condKind, node.n, node.groups = pcreCondGroup, n, []int{n}
		return nil
	}
	if groups := p.groupsWithPrefix(name); len(groups) > 0 {
		node.condKind, node.n, node.groups = pcreCondGroup, groups[0], groups
		if recursionByName {
			node.condKind = pcreCondRecursion
		}
		return nil
	}
	switch {
	case terminator != 0:
		return p.fail(15, p.i)
	case name[0] == 'R':
		n := 0
		for _, d := range name[1:] {
			if !isASCIIDigit(d) {
				return p.fail(15, p.i)
			}
			if n > pcreIntDigitsMax {
				return p.fail(61, p.i)
			}
			n = n*10 + int(d-'0')
		}
		node.condKind, node.n = pcreCondRecursion, n
	case name == "DEFINE":
		node.condKind = pcreCondDefine
	default:
		return p.fail(15, p.i)
	}
	return nil
}

// groupsWithPrefix returns the groups of the first name in the name table
// that starts with prefix (libpcre compares only the prefix here), and of
// the names equal to that one.
func (p *pcreParser) groupsWithPrefix(prefix string) []int {
	for _, known := range p.names {
		if strings.HasPrefix(known.name, prefix) {
			return p.groupsNamed(known.name)
		}
	}
	return nil
}

// conditionalBody reads the branches of a conditional group and its ")".
func (p *pcreParser) conditionalBody(node *pcreNode) (*pcreNode, error) {
	p.condDepth++
	body, err := p.subgroup(&pcreNode{op: pxGroup}, false, -1)
	p.condDepth--
	if err != nil {
		return nil, err
	}
	branches := body.subs[0].subs
	if p.second {
		closing := p.i - 1
		if node.condKind == pcreCondDefine && len(branches) > 1 {
			return nil, p.fail(54, closing)
		}
		if node.condKind != pcreCondDefine && len(branches) > 2 {
			return nil, p.fail(27, closing)
		}
	}
	node.subs = branches
	return node, nil
}

func isPCRELetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isPCREWord(c byte) bool { return isPCRELetter(c) || isASCIIDigit(rune(c)) || c == '_' }
