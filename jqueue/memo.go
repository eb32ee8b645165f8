package jqueue

import "sync"

// Memo keeps values derived from one parsed job file, for the values
// that cost more to derive than to keep, such as those that parse the
// opcodes. Each key's value must depend on the file's content and the key
// only; the first value stored under a key is kept.
type Memo struct {
	mu     sync.Mutex // guards values
	values []memoValue
}

type memoValue struct{ key, value any }

// Load returns the value kept under key; a nil Memo keeps nothing.
func (m *Memo) Load(key any) (any, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, kv := range m.values {
		if kv.key == key {
			return kv.value, true
		}
	}
	return nil, false
}

// Store keeps value under key unless a value is kept there already, and
// returns the value kept. A nil Memo keeps nothing and returns value.
func (m *Memo) Store(key, value any) any {
	if m == nil {
		return value
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, kv := range m.values {
		if kv.key == key {
			return kv.value
		}
	}
	m.values = append(m.values, memoValue{key, value})
	return value
}
