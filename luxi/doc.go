// Package luxi speaks LUXI, the protocol of Ganeti's master daemon on its
// ganeti-query Unix socket: the wire form of requests and responses, a
// server and a client. It knows nothing of what answers the calls; a
// Handler does.
//
// # Framing
//
// A stream carries messages in both directions, each a UTF-8 JSON text
// followed by one byte 0x03, framed by package uds: no length prefix, no
// handshake, several messages may arrive in one read (pipelining) and one
// message may span many reads. A client that closes the connection inside
// a message ends it without an answer.
//
// # Requests
//
//	{"method": "QueryJobs", "args": [[1, 2], ["id", "status"]], "version": 3000000}
//
// The message must start with "{" (leading whitespace is refused, trailing
// whitespace such as the Python client's newline is accepted). "method"
// must be a string naming one of the 25 methods in Methods, exactly as
// spelled there. "args" must be present and may be any JSON value; it is
// normally the array of the method's positional arguments, which the
// Handler decodes. "version" and any other member are ignored. When a
// member occurs twice, the first occurrence counts.
//
// # Responses
//
//	{"success":true,"result":<value>}
//	{"success":false,"result":["OpPrereqError",["Node name x not found","unknown_entity"]]}
//	{"success":false,"result":"Failed to parse request: key 'args' not found, object contains only [\"method\"]"}
//
// Responses are compact JSON with the keys in this order and no "version".
// A failed call carries the exception as [name, [args…]] (see package
// gerrors) and the connection stays open. A request that cannot be
// decoded — not JSON, not an object, a missing member, an unknown method,
// arguments the handler cannot use (ParseError), a message over the size
// limit — is answered with the plain string "Failed to parse request: "
// and a detail, and then the server closes the connection. Responses are
// always valid UTF-8.
//
// # Connections
//
// The server runs one goroutine per connection and handles the requests
// of a connection strictly in order, pipelined ones included. Each read
// waits at most IdleTimeout (180 s by default, Ganeti's LUXI_DEF_RWTO); a
// client that stays silent that long is disconnected without a message.
// Writing an answer is bounded by WriteTimeout the same way.
//
// Where goluxid differs from the real luxid: answers are UTF-8 (luxid
// writes the low 8 bits of non-ASCII characters), a panicking handler is
// answered with a GenericError instead of leaving the client without an
// answer, and requests are limited to MaxMessageSize (64 MiB by default).
package luxi
