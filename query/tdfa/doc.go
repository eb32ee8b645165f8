// Package tdfa is Haskell's regex-tdfa 1.3.2.2 as Ganeti 3.1's luxid uses
// it for the =~ operator of the query language: POSIX extended regular
// expressions with regex-tdfa's default options, asked whether the
// pattern matches somewhere in the subject.
//
// # Contract
//
// Compile returns a *Regexp, or a *SyntaxError whose text is the one
// luxid reports: "parseRegex for Text.Regex.TDFA.String failed:" followed
// by the error of regex-tdfa's Parsec parser as Haskell shows it, with
// its line and column and its unexpected and expected items, e.g. for
// "a*?":
//
//	parseRegex for Text.Regex.TDFA.String failed:"a*?" (line 1, column 3):
//	unexpected '?'
//	expecting empty () or anchor ^ or $, an atom, "|" or end of input
//
// The grammar is written with combinators that follow Parsec's rules for
// trying alternatives and merging their errors, so that the same pattern
// fails at the same position with the same text. A *Regexp is safe for
// concurrent use.
//
// Match reports whether the pattern matches somewhere in the subject, a
// string of characters (not bytes). ^ and $ match at the start and end
// of every line, and "." and negated brackets never match a newline, as
// in regex-tdfa's multiline default. There are no backreferences, lazy
// quantifiers, inline options or class escapes: "\d" is "d".
//
// # Time bounds
//
// Match simulates the pattern's automaton, every thread in step, so that
// it takes time linear in the subject's length whatever the pattern.
// Bounded repetitions are unrolled, each bound clipped to the subject's
// length plus one (a larger bound cannot change the answer). Match polls
// a clock every 4,096 bytes of the subject or so, starting it at the
// first poll so that a short match never reads it, and fails with
// ErrTimeout once it has run longer than its timeout.
//
// # Known differences
//
// A pattern whose repetitions, unrolled for the subject at hand, would
// take more than 65,536 instructions fails the match with ErrTooLarge
// instead of being matched. regex-tdfa runs a tagged DFA instead of this
// simulation; only whether a match exists is asked, and both answer it
// alike. regex-tdfa sets no time limit: the timeout is goluxid's own.
package tdfa
