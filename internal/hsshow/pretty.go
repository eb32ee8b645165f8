package hsshow

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The daemons print a JSValue as show (pp_value v): Text.JSON builds a
// HughesPJ document, arrays as brackets (fsep (punctuate comma elems))
// and objects as braces (fsep (punctuate comma fields)) with a field
// "key": value, and show lays it out in the default style: lines of 100
// characters with at most 67 of them (100 / 1.5 ribbons) after the
// indentation.
//
// The layout that HughesPJ's best picks for such documents is greedy. A
// fill puts its first item where it starts. After an item that stayed on
// one line, the next item follows after a space, laid out flat, when the
// line up to the next place a line could end still fits; otherwise it
// starts a new line, indented to the column where the fill started, and
// is laid out freely. After an item that took several lines, the next
// one always starts a new line. Text between the places where a line may
// end cannot be split, so a closing "]]," counts against the line it
// ends.

const (
	lineLength   = 100
	ribbonLength = 67 // round(lineLength / 1.5)
)

// docKind tells the three shapes a document takes.
type docKind uint8

const (
	docText docKind = iota // text that never breaks
	docCat                 // parts side by side
	docFill                // items filled into lines, separated by a space or a line break
)

// doc is a document with the measures the layout needs.
type doc struct {
	kind  docKind
	text  string
	parts []*doc
	// width is the number of characters on one line.
	width int
	// lead is the number of characters before the first place a line
	// may end, and breakable whether there is such a place.
	lead      int
	breakable bool
}

func textDoc(s string) *doc {
	n := utf8.RuneCountInString(s)
	return &doc{kind: docText, text: s, width: n, lead: n}
}

// catDoc puts parts side by side.
func catDoc(parts ...*doc) *doc {
	d := &doc{kind: docCat, parts: parts}
	for _, p := range parts {
		if !d.breakable {
			d.lead += p.lead
			d.breakable = p.breakable
		}
		d.width += p.width
	}
	return d
}

// fillDoc fills items into lines; there must be at least one.
func fillDoc(items []*doc) *doc {
	d := &doc{kind: docFill, parts: items, width: len(items) - 1}
	for _, it := range items {
		d.width += it.width
	}
	first := items[0]
	d.lead, d.breakable = first.lead, first.breakable || len(items) > 1
	return d
}

// prettyDoc is the document pp_value builds for v.
func (v Value) prettyDoc() *doc {
	switch v.kind {
	case kArray:
		if len(v.elems) == 0 {
			return textDoc("[]")
		}
		items := make([]*doc, len(v.elems))
		for i := range v.elems {
			items[i] = punctuated(v.elems[i].prettyDoc(), i < len(items)-1)
		}
		return catDoc(textDoc("["), fillDoc(items), textDoc("]"))
	case kObject:
		if len(v.members) == 0 {
			return textDoc("{}")
		}
		items := make([]*doc, len(v.members))
		for i := range v.members {
			m := &v.members[i]
			key := textDoc(prettyString(m.Key) + ": ")
			items[i] = punctuated(catDoc(key, m.Value.prettyDoc()), i < len(items)-1)
		}
		return catDoc(textDoc("{"), fillDoc(items), textDoc("}"))
	}
	return textDoc(v.prettyScalar())
}

// punctuated appends a comma to d when more items follow.
func punctuated(d *doc, comma bool) *doc {
	switch {
	case !comma:
		return d
	case d.kind == docText:
		return textDoc(d.text + ",")
	}
	return catDoc(d, textDoc(","))
}

// prettyScalar is the text of a value that is neither array nor object.
func (v Value) prettyScalar() string {
	switch v.kind {
	case kNull:
		return "null"
	case kBool:
		if v.b {
			return "true"
		}
		return "false"
	case kNumber:
		if v.rat != nil {
			return prettyRat(v.rat)
		}
		return prettyLiteral(v.text)
	case kString:
		return prettyString(v.text)
	}
	return v.text
}

// prettyString quotes s as Text.JSON's pretty printer does: '"' and '\\'
// escaped, control characters as \u with four lower-case hex digits, and
// everything else as it is.
func prettyString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c < 0x20 || (c >= 0x7f && c < 0xa0): // Haskell's isControl
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Pretty renders v as show (pp_value v) does, cut to MaxLen.
func (v Value) Pretty() string {
	var p printer
	p.layout(v.prettyDoc(), 0)
	return clip(p.out.String())
}

// PrettyJSON renders the JSON text data as Pretty does, or returns it as
// it is when it is not valid JSON.
func PrettyJSON(data []byte) string {
	v, err := Parse(data)
	if err != nil {
		return string(data)
	}
	return v.Pretty()
}

// printer lays documents out line by line.
type printer struct {
	out strings.Builder
	// col is the current column, indent that of the current line's
	// first character.
	col, indent int
	// full is set once the output is longer than MaxLen: the rest is
	// skipped.
	full bool
}

func (p *printer) write(s string, width int) {
	p.out.WriteString(s)
	p.col += width
	p.full = p.out.Len() > MaxLen
}

// newline starts a line indented to column indent.
func (p *printer) newline(indent int) {
	p.out.WriteByte('\n')
	for range indent {
		p.out.WriteByte(' ')
	}
	p.col, p.indent = indent, indent
	p.full = p.out.Len() > MaxLen
}

// fits reports whether width more characters stay within the line and
// the ribbon.
func (p *printer) fits(width int) bool {
	return p.col-p.indent+width <= min(lineLength-p.indent, ribbonLength)
}

// flat writes d on one line.
func (p *printer) flat(d *doc) {
	switch d.kind {
	case docText:
		p.write(d.text, d.width)
	case docCat:
		for _, part := range d.parts {
			if p.full {
				return
			}
			p.flat(part)
		}
	case docFill:
		for i, item := range d.parts {
			if p.full {
				return
			}
			if i > 0 {
				p.write(" ", 1)
			}
			p.flat(item)
		}
	}
}

// layout writes d, followed by trail characters that cannot be split
// from it, and reports whether it took more than one line.
func (p *printer) layout(d *doc, trail int) bool {
	switch d.kind {
	case docCat:
		return p.layoutCat(d.parts, trail)
	case docFill:
		return p.layoutFill(d.parts, trail)
	}
	p.write(d.text, d.width)
	return false
}

func (p *printer) layoutCat(parts []*doc, trail int) bool {
	// after[i] is what follows parts[i] up to where a line may end.
	after := make([]int, len(parts))
	next := trail
	for i := len(parts) - 1; i >= 0; i-- {
		after[i] = next
		if parts[i].breakable {
			next = parts[i].lead
		} else {
			next += parts[i].lead
		}
	}
	broke := false
	for i, part := range parts {
		if p.full {
			break
		}
		if p.layout(part, after[i]) {
			broke = true
		}
	}
	return broke
}

func (p *printer) layoutFill(items []*doc, trail int) bool {
	start := p.col
	after := func(i int) int {
		if i == len(items)-1 {
			return trail
		}
		return 0
	}
	prevBroke := p.layout(items[0], after(0))
	broke := prevBroke
	for i := 1; i < len(items) && !p.full; i++ {
		item := items[i]
		if !prevBroke && p.fits(1+item.width+after(i)) {
			p.write(" ", 1)
			p.flat(item)
			continue
		}
		p.newline(start)
		prevBroke = p.layout(item, after(i))
		broke = true
	}
	return broke
}
