// Package pcre is libpcre 8.39 as Ganeti 3.0's luxid uses it for the =~
// operator of the query language: Haskell's regex-pcre hands libpcre the
// UTF-8 of the pattern, cut at its first NUL, with PCRE_MULTILINE as the
// only option, and asks whether the pattern matches somewhere in the
// subject.
//
// # Contract
//
// Compile returns a *Regexp, or a *SyntaxError whose text is the one
// luxid reports: libpcre's (offset,"message"), the byte offset where
// libpcre's scan noticed the error and its message as Haskell shows a
// string, e.g. (1,"missing )"). libpcre reads a pattern in two passes
// and an error of the first pass wins over any of the second; Compile
// makes the same passes over the same grammar, so that it reports the
// same error at the same offset. A *Regexp is safe for concurrent use.
//
// Match reports whether the pattern matches somewhere in the subject. It
// matches bytes, or characters when the pattern starts with (*UTF8) or
// (*UTF); ^ and $ match at the start and end of every line. It
// backtracks as libpcre does and reproduces libpcre's quirks: the first
// and required code units that decide where a match is tried (which
// change answers together with (*COMMIT) and lookaheads), the automatic
// possessification of repeats (including where libpcre wrongly takes
// what follows for something the repeat cannot match), groups holding a
// back reference to themselves made atomic, and the run-time refusal of
// a recursion that could loop (ErrRecursionLoop).
//
// # Time bounds
//
// A backtracking match can take time exponential in the subject's length
// ("(a+)+$"). Match polls a clock every 4,096 steps, starting it at the
// first poll so that a short match never reads it, and fails with
// ErrTimeout once it has run longer than its timeout.
//
// # Known differences
//
// libpcre's match and recursion limits, (*LIMIT_MATCH=n) and
// (*LIMIT_RECURSION=n) included, are not applied: only the timeout ends a
// long match, where libpcre fails once it reaches a limit.
package pcre
