package objects

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
)

// errNotObject is returned for JSON that is not an object.
var errNotObject = errors.New("expected a JSON object")

// splitObject returns the members of the JSON object data, in file order.
// Keys are the raw bytes between the quotes and values the raw bytes of
// each value; both alias data. data must be valid JSON (encoding/json has
// checked it before calling an UnmarshalJSON method).
func splitObject(data []byte) ([]member, error) {
	return appendMembers(nil, data)
}

// memberList is a reusable buffer for the members of one object.
type memberList struct {
	members []member
}

var memberPool = sync.Pool{New: func() any { return &memberList{members: make([]member, 0, 32)} }}

// splitPooled is splitObject into a pooled buffer, for members that are
// not kept; release returns the buffer.
func splitPooled(data []byte) (*memberList, error) {
	list := memberPool.Get().(*memberList)
	members, err := appendMembers(list.members[:0], data)
	if err != nil {
		memberPool.Put(list)
		return nil, err
	}
	list.members = members
	return list, nil
}

func (l *memberList) release() {
	clear(l.members) // drop references to the data
	memberPool.Put(l)
}

// appendMembers appends the members of the JSON object data to members.
func appendMembers(members []member, data []byte) ([]member, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, fmt.Errorf("%w, got %.20q", errNotObject, data[i:])
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return members, nil
	}
	for i < len(data) {
		if data[i] != '"' {
			return nil, fmt.Errorf("malformed object at offset %d", i)
		}
		keyEnd := stringEnd(data, i)
		key := data[i+1 : keyEnd-1]
		i = skipSpace(data, keyEnd)
		if i >= len(data) || data[i] != ':' {
			return nil, fmt.Errorf("malformed object at offset %d", i)
		}
		i = skipSpace(data, i+1)
		end := valueEnd(data, i)
		members = append(members, member{key: key, value: data[i:end]})
		i = skipSpace(data, end)
		if i >= len(data) {
			break
		}
		if data[i] == '}' {
			return members, nil
		}
		i = skipSpace(data, i+1) // the comma
	}
	return nil, errors.New("unexpected end of JSON object")
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the index just past the string starting at data[i].
func stringEnd(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// valueEnd returns the index just past the value starting at data[i].
func valueEnd(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		return stringEnd(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = stringEnd(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(data)
	}
	for ; i < len(data); i++ {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
	}
	return i
}

// splitArray returns the raw elements of the valid JSON list data; they
// alias data.
func splitArray(data []byte) [][]byte {
	i := skipSpace(data, 0) + 1
	var elems [][]byte
	for i = skipSpace(data, i); i < len(data) && data[i] != ']'; {
		end := valueEnd(data, i)
		elems = append(elems, data[i:end])
		i = skipSpace(data, end)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return elems
}

// Member is one member of a JSON object: its key and its raw value.
type Member struct {
	Key   string
	Value json.RawMessage
}

// Members returns the members of the JSON object data in order, repeated
// keys kept, values aliasing data. Invalid JSON is refused, so callers may
// hand it untrusted input (a node daemon's answer).
func Members(data []byte) ([]Member, error) {
	if !json.Valid(data) {
		return nil, fmt.Errorf("invalid JSON: %.40q", data)
	}
	raw, err := splitObject(data)
	if err != nil {
		return nil, err
	}
	out := make([]Member, len(raw))
	for i, m := range raw {
		out[i] = Member{Key: unquoteKey(m.key), Value: m.value}
	}
	return out, nil
}
