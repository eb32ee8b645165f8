package resources

import (
	"encoding/json"
	"errors"
	"fmt"
)

// A small reader of JSON objects for the nodes' answers, which can list
// thousands of instances: members in order, repeated keys kept, values as
// slices of the input. The input is checked with json.Valid first, so
// the scanning below may assume well-formed JSON.

// errInstNotObject is the failure to read an answer that is not an object.
var errInstNotObject = errors.New("expected a JSON object")

// instMember is one member of a JSON object.
type instMember struct {
	key   string
	value json.RawMessage
}

// instObjectMembers splits a JSON object into its members, in order,
// keeping repeated keys. The values alias data.
func instObjectMembers(data []byte) ([]instMember, error) {
	if !json.Valid(data) {
		return nil, fmt.Errorf("invalid JSON: %.40q", data)
	}
	return instMembers(data)
}

// instMembers splits the valid JSON object data into its members.
func instMembers(data []byte) ([]instMember, error) {
	i := instSkipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, errInstNotObject
	}
	var members []instMember
	i = instSkipSpace(data, i+1)
	for i < len(data) && data[i] != '}' {
		end := instStringEnd(data, i)
		key, err := instUnquote(data[i:end])
		if err != nil {
			return nil, err
		}
		i = instSkipSpace(data, end)
		i = instSkipSpace(data, i+1) // the colon
		end = instValueEnd(data, i)
		members = append(members, instMember{key: key, value: data[i:end]})
		i = instSkipSpace(data, end)
		if i < len(data) && data[i] == ',' {
			i = instSkipSpace(data, i+1)
		}
	}
	return members, nil
}

// instUnquote returns the string of a JSON string literal.
func instUnquote(lit []byte) (string, error) {
	if len(lit) < 2 || lit[0] != '"' {
		return "", errors.New("expected a string")
	}
	for _, c := range lit[1 : len(lit)-1] {
		if c == '\\' {
			var s string
			err := json.Unmarshal(lit, &s)
			return s, err
		}
	}
	return string(lit[1 : len(lit)-1]), nil
}

// instSkipSpace returns the index of the first non-blank at or after i.
func instSkipSpace(data []byte, i int) int {
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

// instStringEnd returns the index after the string literal at i.
func instStringEnd(data []byte, i int) int {
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

// instValueEnd returns the index after the value at i.
func instValueEnd(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		return instStringEnd(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = instStringEnd(data, i) - 1
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

// parseInstInfo reads {"memory","state","vcpus","time"} (valid JSON):
// each an integer, the state 0 (running) or 1 (shut down); other keys
// are ignored.
func parseInstInfo(data json.RawMessage) (*instInfo, error) {
	members, err := instMembers(data)
	if err != nil {
		return nil, err
	}
	info := &instInfo{}
	var found uint8
	for _, m := range members {
		var dst *int
		var bit uint8
		switch m.key {
		case "memory":
			dst, bit = &info.Memory, 1
		case "state":
			dst, bit = &info.State, 2
		case "vcpus":
			dst, bit = &info.VCPUs, 4
		case "time":
			dst, bit = &info.Time, 8
		default:
			continue
		}
		if c := m.value[0]; c != '-' && (c < '0' || c > '9') {
			return nil, fmt.Errorf("instance info: %s is not a number", m.key)
		}
		v, err := instReadInt(json.Number(m.value))
		if err != nil {
			return nil, err
		}
		*dst, found = v, found|bit
	}
	if found != 15 {
		return nil, errors.New("instance info: missing key")
	}
	if info.State != instStateRunning && info.State != instStateShutdown {
		return nil, fmt.Errorf("instance info: unknown state %d", info.State)
	}
	return info, nil
}
