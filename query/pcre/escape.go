package pcre

import (
	"unicode"
	"unicode/utf8"
)

// Backslash escapes of the PCRE dialect, as libpcre reads them: single
// characters (by letter, octal, hex or control), back references, classes
// of characters, tests, quoting and properties.

// pcreEscapeKind is what a backslash sequence stands for.
type pcreEscapeKind uint8

const (
	escChar       pcreEscapeKind = iota // the character c
	escBackref                          // a back reference to group n
	escType                             // a class or item: d D s S w W h H v V N R X C
	escAssert                           // a test: A Z z G b B, or \K
	escQuote                            // \Q
	escEndQuote                         // \E
	escSubroutine                       // \g< or \g'
	escNamedRef                         // \k, or \g{name}
	escProp                             // \p or \P
)

// pcreEscape is a backslash sequence read: its kind and what it names.
type pcreEscape struct {
	kind   pcreEscapeKind
	letter byte
	c      rune
	n      int
}

// pcreEscapeChars are the escapes of single characters.
var pcreEscapeChars = map[byte]rune{'a': 7, 'e': 27, 'f': 12, 'n': 10, 'r': 13, 't': 9}

// readEscape reads the escape at p.i (a backslash) and leaves p.i at its
// last character, as PCRE does, which is also where its errors are.
func (p *pcreParser) readEscape(inClass bool) (pcreEscape, error) {
	p.i++
	if p.i >= len(p.pat) {
		return pcreEscape{}, p.fail(1, p.i)
	}
	c := p.cur()
	if c < '0' || c > 'z' {
		if p.utf && c >= 0x80 {
			r, size := utf8.DecodeRuneInString(p.pat[p.i:])
			p.i += size - 1
			return pcreEscape{kind: escChar, c: r}, nil
		}
		return pcreEscape{kind: escChar, c: rune(c)}, nil
	}
	if v, ok := pcreEscapeChars[c]; ok {
		return pcreEscape{kind: escChar, c: v}, nil
	}
	switch c {
	case 'd', 'D', 's', 'S', 'w', 'W', 'h', 'H', 'v', 'V', 'R', 'X', 'C':
		return pcreEscape{kind: escType, letter: c}, nil
	case 'N':
		if p.at(p.i+1) == '{' && !pcreCountedRepeat(p.pat, p.i+2) {
			return pcreEscape{}, p.fail(37, p.i)
		}
		return pcreEscape{kind: escType, letter: c}, nil
	case 'A', 'Z', 'z', 'G', 'b', 'B', 'K':
		return pcreEscape{kind: escAssert, letter: c}, nil
	case 'Q':
		return pcreEscape{kind: escQuote}, nil
	case 'E':
		return pcreEscape{kind: escEndQuote}, nil
	case 'k':
		return pcreEscape{kind: escNamedRef, letter: c}, nil
	case 'p', 'P':
		return pcreEscape{kind: escProp, letter: c}, nil
	case 'l', 'L', 'u', 'U':
		return pcreEscape{}, p.fail(37, p.i)
	case 'g':
		if inClass {
			return pcreEscape{kind: escChar, c: 'g'}, nil
		}
		return p.readGEscape()
	case '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if !inClass {
			if e, ok, err := p.readBackrefEscape(); ok || err != nil {
				return e, err
			}
		}
		if c >= '8' {
			return pcreEscape{kind: escChar, c: rune(c)}, nil
		}
		return p.readOctal()
	case '0':
		return p.readOctal()
	case 'o':
		return p.readBracedNumber(8)
	case 'x':
		if p.at(p.i+1) == '{' {
			return p.readBracedNumber(16)
		}
		v := rune(0)
		for k := 0; k < 2 && isHexDigit(p.at(p.i+1)); k++ {
			p.i++
			v = v*16 + hexValue(p.cur())
		}
		return pcreEscape{kind: escChar, c: v}, nil
	case 'c':
		p.i++
		if p.i >= len(p.pat) {
			return pcreEscape{}, p.fail(2, p.i)
		}
		v := p.cur()
		if v > 127 {
			return pcreEscape{}, p.fail(68, p.i)
		}
		if v >= 'a' && v <= 'z' {
			v -= 32
		}
		return pcreEscape{kind: escChar, c: rune(v ^ 0x40)}, nil
	}
	if isPCRELetter(c) && p.opts.extra {
		return pcreEscape{}, p.fail(3, p.i)
	}
	return pcreEscape{kind: escChar, c: rune(c)}, nil
}

// readBackrefEscape reads \1 to \9 and more digits as a back reference,
// if the number is below 8 or that many groups have been opened; ok is
// false (and p.i unchanged) otherwise.
func (p *pcreParser) readBackrefEscape() (e pcreEscape, ok bool, err error) {
	start := p.i
	n := int(p.cur() - '0')
	for isASCIIDigit(rune(p.at(p.i + 1))) {
		if n > pcreIntDigitsMax {
			for isASCIIDigit(rune(p.at(p.i + 1))) {
				p.i++
			}
			return pcreEscape{}, false, p.fail(61, p.i)
		}
		p.i++
		n = n*10 + int(p.cur()-'0')
	}
	if n < 8 || n <= p.groups {
		return pcreEscape{kind: escBackref, n: n}, true, nil
	}
	p.i = start
	return pcreEscape{}, false, nil
}

// readOctal reads up to three octal digits from p.i.
func (p *pcreParser) readOctal() (pcreEscape, error) {
	v := rune(p.cur() - '0')
	for k := 0; k < 2 && p.at(p.i+1) >= '0' && p.at(p.i+1) <= '7'; k++ {
		p.i++
		v = v*8 + rune(p.cur()-'0')
	}
	if !p.utf && v > 0xff {
		return pcreEscape{}, p.fail(51, p.i)
	}
	return pcreEscape{kind: escChar, c: v}, nil
}

// readBracedNumber reads \o{…} or \x{…} from the letter.
func (p *pcreParser) readBracedNumber(base rune) (pcreEscape, error) {
	if base == 8 {
		if p.at(p.i+1) != '{' {
			return pcreEscape{}, p.fail(81, p.i)
		}
		if p.at(p.i+2) == '}' {
			return pcreEscape{}, p.fail(86, p.i)
		}
	}
	p.i += 2
	if base == 16 && p.cur() == '}' {
		return pcreEscape{}, p.fail(86, p.i)
	}
	digit := func(c byte) bool {
		if base == 8 {
			return c >= '0' && c <= '7'
		}
		return isHexDigit(c)
	}
	limit := rune(0xff)
	if p.utf {
		limit = unicode.MaxRune
	}
	v := rune(0)
	for p.i < len(p.pat) && digit(p.cur()) {
		d := p.cur()
		p.i++
		if v == 0 && d == '0' {
			continue
		}
		v = v*base + hexValue(d)
		if v > limit {
			for p.i < len(p.pat) && digit(p.cur()) {
				p.i++
			}
			return pcreEscape{}, p.fail(34, p.i)
		}
	}
	switch {
	case p.cur() != '}' || p.i >= len(p.pat):
		if base == 8 {
			return pcreEscape{}, p.fail(80, p.i)
		}
		return pcreEscape{}, p.fail(79, p.i)
	case p.utf && v >= 0xd800 && v <= 0xdfff:
		return pcreEscape{}, p.fail(73, p.i)
	}
	return pcreEscape{kind: escChar, c: v}, nil
}

// readGEscape reads \g: \g<…> and \g'…' are subroutine calls, \g{name} a
// reference by name, \gN, \g{N}, \g-N and \g{-N} references by number.
func (p *pcreParser) readGEscape() (pcreEscape, error) {
	switch p.at(p.i + 1) {
	case '<', '\'':
		return pcreEscape{kind: escSubroutine}, nil
	}
	braced := false
	if p.at(p.i+1) == '{' {
		k := p.i + 2
		for k < len(p.pat) && p.pat[k] != '}' && (p.pat[k] == '-' || isASCIIDigit(rune(p.pat[k]))) {
			k++
		}
		if k < len(p.pat) && p.pat[k] != '}' {
			return pcreEscape{kind: escNamedRef, letter: 'g'}, nil
		}
		braced = true
		p.i++
	}
	negated := false
	if p.at(p.i+1) == '-' {
		negated = true
		p.i++
	}
	n := 0
	for isASCIIDigit(rune(p.at(p.i + 1))) {
		if n > pcreIntDigitsMax {
			for isASCIIDigit(rune(p.at(p.i + 1))) {
				p.i++
			}
			return pcreEscape{}, p.fail(61, p.i)
		}
		p.i++
		n = n*10 + int(p.cur()-'0')
	}
	if braced {
		p.i++
		if p.cur() != '}' || p.i >= len(p.pat) {
			return pcreEscape{}, p.fail(57, p.i)
		}
	}
	if n == 0 {
		return pcreEscape{}, p.fail(58, p.i)
	}
	if negated {
		if n > p.groups {
			return pcreEscape{}, p.fail(15, p.i)
		}
		n = p.groups - n + 1
	}
	return pcreEscape{kind: escBackref, n: n}, nil
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

func isHexDigit(c byte) bool {
	return isASCIIDigit(rune(c)) || (c|0x20) >= 'a' && (c|0x20) <= 'f'
}

func hexValue(c byte) rune {
	if isASCIIDigit(rune(c)) {
		return rune(c - '0')
	}
	return rune(c|0x20) - 'a' + 10
}

// escapeItem reads an escape outside a class: the node it stands for,
// or isItem false for \Q and \E.
func (p *pcreParser) escapeItem() (node *pcreNode, isItem bool, err error) {
	e, err := p.readEscape(false)
	if err != nil {
		return nil, false, err
	}
	switch e.kind {
	case escChar:
		p.i++
		return p.literal(e.c), true, nil
	case escQuote:
		if p.at(p.i+1) == '\\' && p.at(p.i+2) == 'E' {
			p.i += 2
		} else {
			p.inQuote = true
		}
		p.i++
		return nil, false, nil
	case escEndQuote:
		p.i++
		return nil, false, nil
	case escBackref:
		p.i++
		return p.backref([]int{e.n}), true, nil
	case escSubroutine:
		return p.subroutineEscape()
	case escNamedRef:
		if e.letter == 'k' && !(p.at(p.i+1) == '<' || p.at(p.i+1) == '\'' || p.at(p.i+1) == '{') {
			return nil, false, p.fail(69, p.i)
		}
		p.i++
		terminator := map[byte]byte{'<': '>', '\'': '\'', '{': '}'}[p.cur()]
		node, err := p.namedReference(terminator, false)
		return node, err == nil, err
	case escProp:
		prop, err := p.readProperty()
		if err != nil {
			return nil, false, err
		}
		p.i++
		set := &pcreCharSet{}
		set.addProperty(prop, p.utf)
		return &pcreNode{op: pxSet, set: set}, true, nil
	case escAssert:
		p.i++
		switch e.letter {
		case 'K':
			return &pcreNode{op: pxEmpty}, true, nil
		case 'A', 'G':
			return &pcreNode{op: pxAssert, test: pcreStart}, true, nil
		case 'Z':
			return &pcreNode{op: pxAssert, test: pcreEndOrNewline}, true, nil
		case 'z':
			return &pcreNode{op: pxAssert, test: pcreEnd}, true, nil
		case 'b':
			return &pcreNode{op: pxAssert, test: pcreWordEdge}, true, nil
		}
		return &pcreNode{op: pxAssert, test: pcreNotWordEdge}, true, nil
	}
	p.i++
	switch e.letter {
	case 'N':
		return &pcreNode{op: pxAny, typeLetter: '.'}, true, nil
	case 'C':
		return &pcreNode{op: pxAny, dotall: true, byteUnit: true}, true, nil
	case 'R':
		return &pcreNode{op: pxNewlineSeq, typeLetter: 'R'}, true, nil
	case 'X':
		return &pcreNode{op: pxGrapheme}, true, nil
	}
	set := &pcreCharSet{}
	p.addTypeEscape(set, e.letter)
	return &pcreNode{op: pxSet, set: set, typeLetter: e.letter}, true, nil
}

// subroutineEscape reads \g<…> or \g'…' from the "g".
func (p *pcreParser) subroutineEscape() (*pcreNode, bool, error) {
	p.i++
	terminator := byte('\'')
	if p.cur() == '<' {
		terminator = '>'
	}
	if next := p.at(p.i + 1); next != '+' && next != '-' && !isASCIIDigit(rune(next)) {
		node, err := p.namedReference(terminator, true)
		return node, err == nil, err
	}
	k := p.i + 2
	for isASCIIDigit(rune(p.at(k))) {
		k++
	}
	if p.at(k) != terminator || k >= len(p.pat) {
		return nil, false, p.fail(57, p.i)
	}
	p.i++
	if p.cur() == '-' && !isASCIIDigit(rune(p.at(p.i+1))) {
		node, err := p.optionSetting()
		return node, err == nil && node != nil, err
	}
	node, err := p.numberedRecursion(terminator)
	return node, err == nil, err
}

// readProperty reads the name of \p or \P from the letter and leaves p.i
// at the name's last character or "}".
func (p *pcreParser) readProperty() (pcreProperty, error) {
	negated := p.cur() == 'P'
	p.i++
	if p.i >= len(p.pat) {
		return pcreProperty{}, p.fail(46, p.i)
	}
	name := string(p.cur())
	if p.cur() == '{' {
		if p.at(p.i+1) == '^' {
			negated = !negated
			p.i++
		}
		var b []byte
		closed := false
		for k := 0; k < 31; k++ {
			p.i++
			if p.i >= len(p.pat) {
				return pcreProperty{}, p.fail(46, p.i)
			}
			if p.cur() == '}' {
				closed = true
				break
			}
			b = append(b, p.cur())
		}
		if !closed {
			return pcreProperty{}, p.fail(46, p.i)
		}
		name = string(b)
	}
	if _, ok := pcreProperties[name]; !ok {
		return pcreProperty{}, p.fail(47, p.i)
	}
	return pcreProperty{name: name, negated: negated}, nil
}

// pcreProperty is \p{name} or \P{name}.
type pcreProperty struct {
	name    string
	negated bool
}
