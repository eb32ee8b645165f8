// Package hsjson reads and writes JSON the way the Haskell daemons of
// Ganeti (Text.JSON) do, where clients, job files or error texts can tell
// the difference from encoding/json.
//
// # Reading
//
// A Reader decodes a text into values that its Builder makes;
// ReadMembers splits an object into its keys and the JSON texts of its
// values. Both follow these rules:
//
//   - The grammar is strict JSON: one value, white space around it, arrays
//     and objects nested at most MaxDepth deep. A text that breaks it is a
//     *SyntaxError naming what is wrong and its offset.
//   - Object members keep their order, duplicates included; callers look
//     up the first of a key, as Haskell's lookup does.
//   - Numbers are handed over as their literals, so that no precision is
//     lost before a type decides how to read them.
//   - Escapes are decoded; a \u surrogate that is not half of a pair is
//     U+FFFD. A byte that is not UTF-8 is U+FFFD too, as with
//     encoding/json, unless the Reader keeps invalid UTF-8.
//
// RoundHalfEven rounds a number read into an integer type, as Haskell's
// round does.
//
// # Writing
//
//   - Marshal is encoding/json without HTML escaping: "<" and ">" reach
//     clients as themselves. Object keeps the key order of a Haskell
//     record, which encoding/json's maps would sort.
//   - AppendString escapes only '"', '\\' and control characters.
//   - Every integral number is written without a fraction, even when it
//     was stored as a float ("5000000.0" in config.data is answered as
//     5000000), so that Python parses an int; NormalizeNumbers applies
//     this to JSON text taken verbatim from a file.
//   - FormatDouble spells other numbers as Haskell's show does.
package hsjson
