package pcre

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// Character classes of the PCRE dialect and the sets of units they stand
// for. Outside UTF mode a pattern and its subject are bytes, and a byte's
// properties are those of the Latin-1 character of the same value;
// letters, digits and spaces are ASCII's only, as in libpcre's default
// tables.

func (prop pcreProperty) holds(c rune) bool { return pcreProperties[prop.name](c) != prop.negated }

// class reads a character class from its "[" and leaves p.i after its
// "]".
func (p *pcreParser) class() (*pcreCharSet, error) {
	if next := p.at(p.i + 1); (next == ':' || next == '.' || next == '=') && pcrePosixEnd(p.pat, p.i) >= 0 {
		if next == ':' {
			return nil, p.fail(13, p.i)
		}
		return nil, p.fail(31, p.i)
	}
	set := &pcreCharSet{}
	for {
		p.i++
		c := p.cur()
		if c == '\\' && p.at(p.i+1) == 'E' {
			p.i++
			continue
		}
		if c == '\\' && p.at(p.i+1) == 'Q' && p.at(p.i+2) == '\\' && p.at(p.i+3) == 'E' {
			p.i += 3
			continue
		}
		if c == '^' && !set.negated && p.i < len(p.pat) {
			set.negated = true
			continue
		}
		break
	}
	inQuote := false
	for p.i < len(p.pat) {
		if err := p.classMember(set, &inQuote); err != nil {
			return nil, err
		}
		p.i++
		if p.i >= len(p.pat) || (p.cur() == ']' && !inQuote) {
			break
		}
	}
	if p.i >= len(p.pat) {
		return nil, p.fail(6, p.i)
	}
	p.i++
	return set, nil
}

// classMember reads the member of a class at p.i and leaves p.i at its
// last character.
func (p *pcreParser) classMember(set *pcreCharSet, inQuote *bool) error {
	c := p.cur()
	if *inQuote {
		if c == '\\' && p.at(p.i+1) == 'E' {
			*inQuote = false
			p.i++
			return nil
		}
		return p.classRange(set, p.classChar(), inQuote)
	}
	if c == '[' && (p.at(p.i+1) == ':' || p.at(p.i+1) == '.' || p.at(p.i+1) == '=') {
		if end := pcrePosixEnd(p.pat, p.i); end >= 0 {
			set.members += 2
			return p.posixClass(set, end)
		}
	}
	if c != '\\' {
		return p.classRange(set, p.classChar(), inQuote)
	}
	e, err := p.readEscape(true)
	if err != nil {
		return err
	}
	switch e.kind {
	case escChar:
		return p.classRange(set, e.c, inQuote)
	case escQuote:
		if p.at(p.i+1) == '\\' && p.at(p.i+2) == 'E' {
			p.i += 2
		} else {
			*inQuote = true
		}
		return nil
	case escEndQuote:
		return nil
	case escProp:
		prop, err := p.readProperty()
		if err != nil {
			return err
		}
		set.addProperty(prop, p.utf)
		set.members += 2
		return nil
	case escType:
		switch e.letter {
		case 'N':
			return p.fail(71, p.i)
		case 'd', 'D', 's', 'S', 'w', 'W', 'h', 'H', 'v', 'V':
			p.addTypeEscape(set, e.letter)
			set.members += 2
			return nil
		}
	case escAssert:
		if e.letter == 'b' {
			return p.classRange(set, '\b', inQuote)
		}
	}
	if p.opts.extra {
		return p.fail(7, p.i)
	}
	return p.classRange(set, rune(p.cur()), inQuote)
}

// classChar reads the character at p.i (a whole UTF-8 sequence in UTF
// mode) and leaves p.i at its last byte.
func (p *pcreParser) classChar() rune {
	if p.utf && p.cur() >= 0x80 {
		r, size := utf8.DecodeRuneInString(p.pat[p.i:])
		p.i += size - 1
		return r
	}
	return rune(p.cur())
}

// classRange adds c, or the range c-d if a "-" and an end follow, to set.
func (p *pcreParser) classRange(set *pcreCharSet, c rune, inQuote *bool) error {
	for p.at(p.i+1) == '\\' && p.at(p.i+2) == 'E' {
		*inQuote = false
		p.i += 2
	}
	if *inQuote || p.at(p.i+1) != '-' {
		p.addChar(set, c, c)
		return nil
	}
	back := p.i
	p.i += 2
	for p.cur() == '\\' && p.at(p.i+1) == 'E' {
		p.i += 2
	}
	for p.cur() == '\\' && p.at(p.i+1) == 'Q' {
		p.i += 2
		if p.cur() == '\\' && p.at(p.i+1) == 'E' {
			p.i += 2
			continue
		}
		*inQuote = true
		break
	}
	if p.i >= len(p.pat) || (!*inQuote && p.cur() == ']') {
		p.i = back
		p.addChar(set, c, c)
		return nil
	}
	d := p.classChar()
	if !*inQuote {
		if d == '\\' {
			e, err := p.readEscape(true)
			if err != nil {
				return err
			}
			switch {
			case e.kind == escChar:
				d = e.c
			case e.kind == escAssert && e.letter == 'b':
				d = '\b'
			default:
				return p.fail(83, p.i)
			}
		} else if d == '[' && (p.at(p.i+1) == ':' || p.at(p.i+1) == '.' || p.at(p.i+1) == '=') && pcrePosixEnd(p.pat, p.i) >= 0 {
			return p.fail(83, p.i)
		}
	}
	if d < c {
		return p.fail(8, p.i)
	}
	p.addChar(set, c, d)
	return nil
}

// pcrePosixEnd returns, for a "[" at i followed by ":", "." or "=", the
// index of the matching terminator before "]", or -1 if this is not a
// POSIX class.
func pcrePosixEnd(pat string, i int) int {
	terminator := pat[i+1]
	for k := i + 2; k < len(pat); k++ {
		switch {
		case pat[k] == '\\' && k+1 < len(pat) && (pat[k+1] == ']' || pat[k+1] == '\\'):
			k++
		case (pat[k] == '[' && k+1 < len(pat) && pat[k+1] == terminator) || pat[k] == ']':
			return -1
		case pat[k] == terminator && k+1 < len(pat) && pat[k+1] == ']':
			return k
		}
	}
	return -1
}

// posixClass adds the POSIX class from "[" at p.i to the terminator at
// end, and leaves p.i at its "]".
func (p *pcreParser) posixClass(set *pcreCharSet, end int) error {
	if p.at(p.i+1) != ':' {
		return p.fail(31, p.i)
	}
	p.i += 2
	negated := false
	if p.cur() == '^' {
		negated = true
		p.i++
	}
	name := p.pat[p.i:end]
	class, ok := pcrePosixClasses[name]
	if !ok {
		return p.fail(30, p.i)
	}
	if p.opts.caseless && (name == "lower" || name == "upper") {
		class = pcrePosixClasses["alpha"]
	}
	if p.ucp {
		if prop, ok := pcreUCPPosix[name]; ok {
			set.addProperty(pcreProperty{name: prop, negated: negated}, true)
			p.i = end + 1
			return nil
		}
	}
	set.addASCII(class, negated, p.utf)
	p.i = end + 1
	return nil
}

// pcrePosixClasses are the POSIX classes in libpcre's default tables.
var pcrePosixClasses = map[string]func(byte) bool{
	"alpha":  func(c byte) bool { return isPCRELetter(c) },
	"lower":  func(c byte) bool { return c >= 'a' && c <= 'z' },
	"upper":  func(c byte) bool { return c >= 'A' && c <= 'Z' },
	"alnum":  func(c byte) bool { return isPCRELetter(c) || isASCIIDigit(rune(c)) },
	"ascii":  func(c byte) bool { return c < 0x80 },
	"blank":  func(c byte) bool { return c == ' ' || c == '\t' },
	"cntrl":  func(c byte) bool { return c < 0x20 || c == 0x7f },
	"digit":  func(c byte) bool { return isASCIIDigit(rune(c)) },
	"graph":  func(c byte) bool { return c > 0x20 && c < 0x7f },
	"print":  func(c byte) bool { return c >= 0x20 && c < 0x7f },
	"punct":  func(c byte) bool { return c > 0x20 && c < 0x7f && !isPCREWord(c) || c == '_' },
	"space":  isPCRESpace,
	"word":   isPCREWord,
	"xdigit": isHexDigit,
}

// pcreUCPPosix are the POSIX classes that (*UCP) reads as properties.
var pcreUCPPosix = map[string]string{
	"alpha": "L", "lower": "Ll", "upper": "Lu", "alnum": "Xan", "digit": "Nd", "space": "Xps", "word": "Xwd",
}

// addTypeEscape adds \d \D \s \S \w \W \h \H \v \V to set.
func (p *pcreParser) addTypeEscape(set *pcreCharSet, letter byte) {
	negated := letter >= 'A' && letter <= 'Z'
	switch letter | 0x20 {
	case 'd', 's', 'w':
		if p.ucp {
			name := map[byte]string{'d': "Nd", 's': "Xsp", 'w': "Xwd"}[letter|0x20]
			set.addProperty(pcreProperty{name: name, negated: negated}, true)
			return
		}
		in := map[byte]func(byte) bool{'d': pcrePosixClasses["digit"], 's': isPCRESpace, 'w': isPCREWord}[letter|0x20]
		set.addASCII(in, negated, p.utf)
	case 'h':
		set.addList(pcreHorizontalSpace, negated)
	case 'v':
		set.addList(pcreVerticalSpace, negated)
	}
}

// The characters of \h and \v (beyond 0xff in UTF mode only).
var (
	pcreHorizontalSpace = []rune{0x09, 0x20, 0xa0, 0x1680, 0x180e, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
		0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x202f, 0x205f, 0x3000}
	pcreVerticalSpace = []rune{0x0a, 0x0b, 0x0c, 0x0d, 0x85, 0x2028, 0x2029}
)

// addChar adds the range lo-hi to set, and in a caseless pattern the other
// cases of its characters.
func (p *pcreParser) addChar(set *pcreCharSet, lo, hi rune) {
	p.noteCRorLF(lo)
	p.noteCRorLF(hi)
	set.members, set.only = set.members+1, lo
	if lo != hi {
		set.members++
	}
	set.addRange(lo, hi)
	if !p.opts.caseless {
		return
	}
	for c := lo; c <= hi; c++ {
		for _, other := range p.otherCases(c) {
			set.addRange(other, other)
		}
		if c >= 0x10ffff {
			break
		}
	}
}

// otherCases returns the other cases of c: ASCII's only outside UTF mode.
func (p *pcreParser) otherCases(c rune) []rune {
	if c < 0x80 || !p.utf {
		switch {
		case c >= 'a' && c <= 'z':
			return []rune{c - 32}
		case c >= 'A' && c <= 'Z':
			return []rune{c + 32}
		}
		return nil
	}
	var others []rune
	for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
		others = append(others, f)
	}
	return others
}

func (p *pcreParser) hasOtherCase(c rune) bool { return len(p.otherCases(c)) > 0 }

// pcreCharSet is a set of units: bytes, or characters in UTF mode.
type pcreCharSet struct {
	low     [4]uint64 // 0-255
	high    []pcreHigh
	negated bool
	// members counts what a class lists as libpcre does (1 for a
	// character, 2 for a range or a class of characters); a class of one
	// member, only, is a character to its start-of-match optimization.
	members int
	only    rune
}

// pcreHigh is a test for characters above 0xff.
type pcreHigh struct {
	lo, hi  rune
	prop    *pcreProperty
	notList []rune
	all     bool
}

func (h *pcreHigh) holds(c rune) bool {
	switch {
	case h.all:
		return true
	case h.prop != nil:
		return h.prop.holds(c)
	case h.notList != nil:
		return !slices.Contains(h.notList, c)
	}
	return c >= h.lo && c <= h.hi
}

func (s *pcreCharSet) addLow(c rune) { s.low[c>>6] |= 1 << (c & 63) }

func (s *pcreCharSet) addRange(lo, hi rune) {
	for c := lo; c <= min(hi, 0xff); c++ {
		s.addLow(c)
	}
	if hi > 0xff {
		s.high = append(s.high, pcreHigh{lo: max(lo, 0x100), hi: hi})
	}
}

// addASCII adds the bytes for which in holds, or with negated those for
// which it does not and every character above 0xff.
func (s *pcreCharSet) addASCII(in func(byte) bool, negated, utf bool) {
	for c := 0; c < 256; c++ {
		if in(byte(c)) != negated {
			s.addLow(rune(c))
		}
	}
	if negated && utf {
		s.high = append(s.high, pcreHigh{all: true})
	}
}

// addList adds the characters of list, or with negated all others.
func (s *pcreCharSet) addList(list []rune, negated bool) {
	for c := rune(0); c < 256; c++ {
		if slices.Contains(list, c) != negated {
			s.addLow(c)
		}
	}
	if negated {
		s.high = append(s.high, pcreHigh{notList: list})
		return
	}
	for _, c := range list {
		if c > 0xff {
			s.high = append(s.high, pcreHigh{lo: c, hi: c})
		}
	}
}

// addProperty adds the characters with a Unicode property; a byte stands
// for the Latin-1 character of its value.
func (s *pcreCharSet) addProperty(prop pcreProperty, utf bool) {
	for c := rune(0); c < 256; c++ {
		if prop.holds(c) {
			s.addLow(c)
		}
	}
	if utf {
		s.high = append(s.high, pcreHigh{prop: &prop})
	}
}

// single returns the only member of a set of one byte.
func (s *pcreCharSet) single() (rune, bool) {
	if s.negated || len(s.high) > 0 {
		return 0, false
	}
	found := rune(-1)
	for c := rune(0); c < 256; c++ {
		if s.low[c>>6]&(1<<(c&63)) != 0 {
			if found >= 0 {
				return 0, false
			}
			found = c
		}
	}
	return found, found >= 0
}

// contains reports whether unit c is in the set.
func (s *pcreCharSet) contains(c rune) bool {
	in := false
	if c < 256 {
		in = s.low[c>>6]&(1<<(c&63)) != 0
	} else {
		for i := range s.high {
			if s.high[i].holds(c) {
				in = true
				break
			}
		}
	}
	return in != s.negated
}

// pcreProperties are the names of \p{…}: general categories, scripts and
// PCRE's own.
var pcreProperties = map[string]func(rune) bool{
	"Any": func(rune) bool { return true },
	"L&":  func(c rune) bool { return unicode.In(c, unicode.Lu, unicode.Ll, unicode.Lt) },
	"Xan": func(c rune) bool { return unicode.In(c, unicode.L, unicode.N) },
	"Xps": isPCREPosixSpace,
	"Xsp": isPCREPosixSpace,
	"Xwd": func(c rune) bool { return c == '_' || unicode.In(c, unicode.L, unicode.N) },
	"Xuc": func(c rune) bool {
		return c == '$' || c == '@' || c == '`' || (c >= 0xa0 && (c < 0xd800 || c > 0xdfff))
	},
	"C":  func(c rune) bool { return unicode.Is(unicode.C, c) || !isAssigned(c) },
	"Cn": func(c rune) bool { return !isAssigned(c) },
}

// isPCREPosixSpace reports whether c is white space for Xps and Xsp: the
// characters of \h and \v, or a separator.
func isPCREPosixSpace(c rune) bool {
	return slices.Contains(pcreHorizontalSpace, c) || slices.Contains(pcreVerticalSpace, c) || unicode.Is(unicode.Z, c)
}

// isAssigned reports whether c has a general category other than Cn.
func isAssigned(c rune) bool {
	for _, table := range unicode.Categories {
		if unicode.Is(table, c) {
			return true
		}
	}
	return false
}

// pcreScripts are the scripts libpcre 8.39 knows.
var pcreScripts = []string{"Arabic", "Armenian", "Avestan", "Balinese", "Bamum", "Bassa_Vah", "Batak", "Bengali",
	"Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid", "Canadian_Aboriginal", "Carian", "Caucasian_Albanian",
	"Chakma", "Cham", "Cherokee", "Common", "Coptic", "Cuneiform", "Cypriot", "Cyrillic", "Deseret", "Devanagari",
	"Duployan", "Egyptian_Hieroglyphs", "Elbasan", "Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha",
	"Greek", "Gujarati", "Gurmukhi", "Han", "Hangul", "Hanunoo", "Hebrew", "Hiragana", "Imperial_Aramaic",
	"Inherited", "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese", "Kaithi", "Kannada", "Katakana",
	"Kayah_Li", "Kharoshthi", "Khmer", "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha", "Limbu", "Linear_A",
	"Linear_B", "Lisu", "Lycian", "Lydian", "Mahajani", "Malayalam", "Mandaic", "Manichaean", "Meetei_Mayek",
	"Mende_Kikakui", "Meroitic_Cursive", "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro", "Myanmar",
	"Nabataean", "New_Tai_Lue", "Nko", "Ogham", "Ol_Chiki", "Old_Italic", "Old_North_Arabian", "Old_Permic",
	"Old_Persian", "Old_South_Arabian", "Old_Turkic", "Oriya", "Osmanya", "Pahawh_Hmong", "Palmyrene",
	"Pau_Cin_Hau", "Phags_Pa", "Phoenician", "Psalter_Pahlavi", "Rejang", "Runic", "Samaritan", "Saurashtra",
	"Sharada", "Shavian", "Siddham", "Sinhala", "Sora_Sompeng", "Sundanese", "Syloti_Nagri", "Syriac", "Tagalog",
	"Tagbanwa", "Tai_Le", "Tai_Tham", "Tai_Viet", "Takri", "Tamil", "Telugu", "Thaana", "Thai", "Tibetan",
	"Tifinagh", "Tirhuta", "Ugaritic", "Vai", "Warang_Citi", "Yi"}

func init() {
	for _, name := range []string{"L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co", "Cs", "Ll", "Lm", "Lo", "Lt",
		"Lu", "Mc", "Me", "Mn", "Nd", "Nl", "No", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "Sc", "Sk", "Sm", "So",
		"Zl", "Zp", "Zs"} {
		table := unicode.Categories[name]
		pcreProperties[name] = func(c rune) bool { return unicode.Is(table, c) }
	}
	for _, name := range pcreScripts {
		table := unicode.Scripts[name]
		if table == nil {
			table = &unicode.RangeTable{}
		}
		pcreProperties[name] = func(c rune) bool { return unicode.Is(table, c) }
	}
}
