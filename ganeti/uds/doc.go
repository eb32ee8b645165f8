// Package uds frames messages on a byte stream the way Ganeti's
// Unix-domain-socket protocol does. LUXI (the ganeti-query socket), WConfd
// (the ganeti-wconfd socket) and the pipes between luxid and its job
// processes all carry messages framed like this; what a message means is
// the business of each peer.
//
// # Format
//
// A message is a sequence of bytes followed by one byte 0x03 (ETX). There
// is no length prefix, no escaping and no handshake, and the format is the
// same in both directions. The payloads Ganeti sends are UTF-8 JSON
// texts, which never contain a raw 0x03; Writer refuses a payload that
// does (ErrTerminatorInPayload) and writes nothing. An empty message is a
// lone 0x03.
//
// Reader accumulates bytes and splits at every 0x03, so several messages
// may arrive in one read (pipelining) and one message may span many
// reads. At the end of the stream:
//
//   - a stream that ends right after a 0x03, or before any byte, ends
//     cleanly: ReadMessage returns io.EOF;
//   - a stream that ends after bytes with no 0x03 behind them cut a
//     message off: ReadMessage returns ErrTruncated, and the partial
//     message is dropped.
//
// Complete messages received before the end or a read error are returned
// first; the error comes after them.
//
// # Size limit
//
// Ganeti's daemons put no limit on a message. A Reader has one (given to
// NewReader, DefaultMaxMessageSize = 64 MiB when none is given), counted
// without the terminator, so that a peer that never sends 0x03 cannot make
// the reader hold more than the limit and one 4 KiB read. A longer message
// fails with ErrTooLarge; as the stream cannot be resynchronised, every
// later call fails the same way. Writer has no limit.
package uds
