package pcre

import (
	"unicode"
	"unicode/utf8"
)

// What a PCRE match reads of its subject: units (bytes, or characters in
// UTF mode), newlines of the pattern's convention, zero-width tests, \R,
// \X and back references.

// unitStart returns where the unit a single-unit instruction matched
// before end starts.
func (m *pcreMatcher) unitStart(in *pcreInst, end int) int {
	if !m.re.pattern.utf || in.byteUnit {
		return end - 1
	}
	_, size := utf8.DecodeLastRuneInString(m.s[:end])
	return end - size
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
