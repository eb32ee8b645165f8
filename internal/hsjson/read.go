package hsjson

import (
	"encoding/json"
	"sync"
)

// Member is one key and value of a JSON object.
type Member[V any] struct {
	Key   string
	Value V
}

// Builder makes the values a Reader returns: one call for each JSON
// value, a container's after those of the values it holds.
type Builder[V any] interface {
	Null() V
	Bool(b bool) V
	// Number gets the literal of a number; integer is set when it has
	// neither fraction nor exponent. An error fails the read.
	Number(lit []byte, integer bool) (V, error)
	String(s string) V
	// Array gets the elements in a slice of their own.
	Array(elems []V) V
	// Object gets the members in their order, duplicates included, in a
	// slice of their own.
	Object(members []Member[V]) V
}

// Reader reads JSON texts into values that its Builder makes. It keeps
// the scratch space of a read for later ones; it is safe for concurrent
// use and must not be copied.
type Reader[V any] struct {
	Build Builder[V]
	// Keys, when set, interns object keys: a key found in it is its
	// string, not a new one.
	Keys map[string]string
	// KeepInvalidUTF8 keeps the bytes of strings that are not UTF-8 as
	// they are; otherwise each invalid byte becomes U+FFFD, as with
	// encoding/json.
	KeepInvalidUTF8 bool

	scratch sync.Pool // of *parser[V]
}

// parser is one read: the scanner, and stacks of the items of the open
// arrays and objects, so that each container gets one slice of its size.
type parser[V any] struct {
	scanner
	build Builder[V]
	vals  []V
	mems  []Member[V]
}

// Bounds of the scratch space a pooled parser keeps: items of its
// stacks, and bytes of its string buffer.
const (
	maxPooledItems = 1024
	maxPooledText  = 4096
)

// Read decodes data, which must hold exactly one JSON value.
func (r *Reader[V]) Read(data []byte) (V, error) {
	p, _ := r.scratch.Get().(*parser[V])
	if p == nil {
		p = new(parser[V])
	}
	p.scanner = scanner{data: data, keys: r.Keys, keepInvalidUTF8: r.KeepInvalidUTF8, buf: p.buf[:0]}
	p.build = r.Build
	defer r.release(p)
	p.skipSpace()
	v, err := p.value()
	if err == nil {
		err = p.end()
	}
	if err != nil {
		var zero V
		return zero, err
	}
	return v, nil
}

// release keeps p for a later read, without references to this one's data.
func (r *Reader[V]) release(p *parser[V]) {
	p.data, p.keys, p.build = nil, nil, nil
	if cap(p.vals) > maxPooledItems || cap(p.mems) > maxPooledItems {
		return
	}
	clear(p.vals[:cap(p.vals)])
	clear(p.mems[:cap(p.mems)])
	clear(p.buf[:cap(p.buf)])
	p.vals, p.mems, p.buf = p.vals[:0], p.mems[:0], p.buf[:0]
	if cap(p.buf) > maxPooledText {
		p.buf = nil
	}
	r.scratch.Put(p)
}

func (p *parser[V]) value() (V, error) {
	var zero V
	if p.pos >= len(p.data) {
		return zero, p.fail("unexpected end")
	}
	switch c := p.data[p.pos]; {
	case c == '[':
		return p.array()
	case c == '{':
		return p.object()
	case c == '"':
		s, err := p.str(false)
		if err != nil {
			return zero, err
		}
		return p.build.String(s), nil
	case c == '-' || isDigit(c):
		lit, integer, err := p.number()
		if err != nil {
			return zero, err
		}
		return p.build.Number(lit, integer)
	}
	kind, err := p.literal()
	switch {
	case err != nil:
		return zero, err
	case kind == litNull:
		return p.build.Null(), nil
	}
	return p.build.Bool(kind == litTrue), nil
}

func (p *parser[V]) array() (V, error) {
	base := len(p.vals)
	more, err := p.open(']')
	for more && err == nil {
		var v V
		if v, err = p.value(); err == nil {
			p.vals = append(p.vals, v)
			more, err = p.more(']')
		}
	}
	if err != nil {
		var zero V
		return zero, err
	}
	elems := make([]V, len(p.vals)-base)
	copy(elems, p.vals[base:])
	p.vals = p.vals[:base]
	return p.build.Array(elems), nil
}

func (p *parser[V]) object() (V, error) {
	base := len(p.mems)
	more, err := p.open('}')
	for more && err == nil {
		var m Member[V]
		if m.Key, err = p.memberKey(true); err == nil {
			if m.Value, err = p.value(); err == nil {
				p.mems = append(p.mems, m)
				more, err = p.more('}')
			}
		}
	}
	if err != nil {
		var zero V
		return zero, err
	}
	members := make([]Member[V], len(p.mems)-base)
	copy(members, p.mems[base:])
	p.mems = p.mems[:base]
	return p.build.Object(members), nil
}

// ReadMembers reads the JSON text data, which must hold exactly one
// object, into its members in their order, duplicates included. Values
// are left as their JSON text and alias data; keys are decoded as a
// Reader without KeepInvalidUTF8 decodes them.
func ReadMembers(data []byte) ([]Member[json.RawMessage], error) {
	s := scanner{data: data}
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '{' {
		return nil, s.fail("expected an object")
	}
	var members []Member[json.RawMessage]
	more, err := s.open('}')
	for more && err == nil {
		var key string
		if key, err = s.memberKey(true); err == nil {
			start := s.pos
			if err = s.skipValue(); err == nil {
				members = append(members, Member[json.RawMessage]{Key: key, Value: data[start:s.pos]})
				more, err = s.more('}')
			}
		}
	}
	if err == nil {
		err = s.end()
	}
	if err != nil {
		return nil, err
	}
	return members, nil
}
