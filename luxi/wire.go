package luxi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/internal/hsshow"
)

// ProtocolVersion is the LUXI version clients send with each request
// (LUXI_VERSION of Ganeti 3.0). The server ignores it.
const ProtocolVersion = 3000000

// Request is a decoded LUXI request: a known method and its arguments,
// still undecoded. Each method decodes its own arguments.
type Request struct {
	Method string
	Args   json.RawMessage
}

// ParseError is a request that cannot be decoded: bad JSON, a missing or
// unknown method, missing or unusable arguments. The server answers it
// with its text as a plain string result and then closes the connection,
// as the real luxid does. Method handlers return it for arguments that do
// not decode.
type ParseError struct {
	// Detail is what went wrong, without the common prefix.
	Detail string
}

// parseErrorPrefix starts the text of every request-decoding failure.
const parseErrorPrefix = "Failed to parse request: "

// ParseErrorf returns a ParseError with a formatted detail.
func ParseErrorf(format string, args ...any) *ParseError {
	return &ParseError{Detail: fmt.Sprintf(format, args...)}
}

// Error returns the text the client receives.
func (e *ParseError) Error() string {
	return parseErrorPrefix + e.Detail
}

// topLevelPrefix starts the details of messages that are not a JSON object.
const topLevelPrefix = "parsing top-level JSON message: "

// DecodeRequest decodes one request message. The message must be a JSON
// object starting at its first byte (trailing whitespace is allowed) with
// a "method" string naming a known method and an "args" member of any
// type. Other members are ignored; of duplicate members the first counts.
// Every failure is a *ParseError.
func DecodeRequest(msg []byte) (Request, error) {
	if err := checkTopLevel(msg); err != nil {
		return Request{}, err
	}
	keys, method, args := requestMembers(msg)
	if method == nil {
		return Request{}, missingKey("method", keys)
	}
	if args == nil {
		return Request{}, missingKey("args", keys)
	}
	name, err := methodName(method)
	if err != nil {
		return Request{}, err
	}
	return Request{Method: name, Args: args}, nil
}

// checkTopLevel checks that msg is one JSON object.
func checkTopLevel(msg []byte) error {
	if len(msg) == 0 || (msg[0] != '{' && msg[0] != '[') {
		return ParseErrorf("%sInvalid JSON: a JSON text a serialized object or array at the top level.", topLevelPrefix)
	}
	if !json.Valid(msg) {
		return ParseErrorf("%s%s", topLevelPrefix, syntaxDetail(msg))
	}
	if msg[0] != '{' {
		return ParseErrorf("%sUnable to read JSObject", topLevelPrefix)
	}
	return nil
}

// syntaxDetail describes why msg, which starts like an object or array,
// is not valid JSON.
func syntaxDetail(msg []byte) string {
	dec := json.NewDecoder(bytes.NewReader(msg))
	var first json.RawMessage
	if err := dec.Decode(&first); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return fmt.Sprintf("Malformed JSON: %s at byte %d", syn.Error(), syn.Offset)
		}
		return "Malformed JSON: " + err.Error()
	}
	rest := bytes.TrimLeft(msg[dec.InputOffset():], " \t\r\n")
	runes := []rune(string(rest))
	return "Invalid tokens at end of JSON string: " + hsshow.String(string(runes[:min(10, len(runes))]))
}

// requestMembers returns the member names of the valid JSON object msg in
// order, and the first "method" and "args" values (nil when absent); args
// is a copy.
func requestMembers(msg []byte) (keys []string, method, args json.RawMessage) {
	members, err := hsjson.ReadMembers(msg)
	if err != nil {
		return nil, nil, nil
	}
	keys = make([]string, len(members))
	for i, m := range members {
		keys[i] = m.Key
		switch {
		case m.Key == "method" && method == nil:
			method = m.Value
		case m.Key == "args" && args == nil:
			args = bytes.Clone(m.Value)
		}
	}
	return keys, method, args
}

// missingKey is the failure for an absent member.
func missingKey(key string, keys []string) error {
	if keys == nil {
		keys = []string{}
	}
	return ParseErrorf("key '%s' not found, object contains only %s", key, hsshow.Strings(keys))
}

// methodName decodes the "method" member.
func methodName(raw json.RawMessage) (string, error) {
	const prefix = "Unable to parse LUXI request method: "
	var name string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &name) != nil {
		return "", ParseErrorf("%sCan't parse raw value for type LuxiReq: Unable to read String from %s", prefix, showMethodValue(raw))
	}
	if !IsMethod(name) {
		return "", ParseErrorf("%sInvalid string value for type LuxiReq: %s", prefix, hsshow.String(name))
	}
	return name, nil
}

// maxShownValue is the size above which a method value is not rendered
// in full in an error message.
const maxShownValue = 4096

// showMethodValue renders the valid JSON text raw as Haskell's show
// renders the Text.JSON value it decodes to, e.g. JSRational False (5 % 1).
func showMethodValue(raw []byte) string {
	if len(raw) > maxShownValue {
		return fmt.Sprintf("<JSON value of %d bytes>", len(raw))
	}
	return hsshow.ShowJSON(raw)
}

// response is the wire form of an answer; the field order is the key
// order on the wire.
type response struct {
	Success bool `json:"success"`
	Result  any  `json:"result"`
}

// EncodeResponse returns the message answering a request: compact JSON
// {"success":…,"result":…} without HTML escaping and always valid UTF-8
// (invalid bytes in a json.RawMessage result become U+FFFD).
func EncodeResponse(success bool, result any) ([]byte, error) {
	out, err := hsjson.Marshal(response{Success: success, Result: result})
	if err != nil {
		return nil, fmt.Errorf("luxi: encoding response: %w", err)
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte(string(utf8.RuneError)))
	}
	return out, nil
}

// wireRequest is the wire form of a request as the Python client sends it.
type wireRequest struct {
	Method  string `json:"method"`
	Args    any    `json:"args"`
	Version int    `json:"version"`
}

// EncodeRequest returns the message of a request:
// {"method":…,"args":…,"version":3000000} and a newline, like the Python
// client's (which adds the newline too). Nil args are sent as [], the
// empty argument list.
func EncodeRequest(method string, args any) ([]byte, error) {
	if args == nil {
		args = []any{}
	}
	msg, err := hsjson.Marshal(wireRequest{Method: method, Args: args, Version: ProtocolVersion})
	if err != nil {
		return nil, fmt.Errorf("luxi: encoding %s request: %w", method, err)
	}
	return append(msg, '\n'), nil
}

// Response is a decoded LUXI answer.
type Response struct {
	Success bool
	Result  json.RawMessage
}

// ErrProtocol is wrapped by the errors of answers that are not LUXI
// responses.
var ErrProtocol = errors.New("luxi: protocol error")

// DecodeResponse decodes one response message. Like the Python client it
// requires "success" and "result" and accepts a "version" only if it is
// ProtocolVersion.
func DecodeResponse(msg []byte) (Response, error) {
	var wire struct {
		Success *bool           `json:"success"`
		Result  json.RawMessage `json:"result"`
		Version *json.Number    `json:"version"`
	}
	if err := json.Unmarshal(msg, &wire); err != nil {
		return Response{}, fmt.Errorf("%w: invalid response %q: %w", ErrProtocol, truncate(msg), err)
	}
	if wire.Success == nil || wire.Result == nil {
		return Response{}, fmt.Errorf("%w: invalid response %q", ErrProtocol, truncate(msg))
	}
	if wire.Version != nil && wire.Version.String() != fmt.Sprint(ProtocolVersion) {
		return Response{}, fmt.Errorf("%w: RPC version mismatch, client %d, server %s", ErrProtocol, ProtocolVersion, wire.Version)
	}
	return Response{Success: *wire.Success, Result: wire.Result}, nil
}

// truncate shortens a message quoted in an error.
func truncate(msg []byte) []byte {
	const limit = 200
	if len(msg) > limit {
		return append(msg[:limit:limit], "..."...)
	}
	return msg
}
