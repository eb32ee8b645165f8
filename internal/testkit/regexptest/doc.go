// Package regexptest checks the engines of the query language's =~
// operator, query/pcre (Ganeti 3.0) and query/tdfa (Ganeti 3.1), against
// what the real luxid answers. An engine's tests pass its Compile and
// name its syntax error type E; each function fails the test where the
// engine's answer differs:
//
//   - ReplayLuxid replays a capture file recorded from a real luxid;
//   - CheckAnswers runs a table of Answers, one subtest each;
//   - Fuzz runs a fuzz target whose rejected patterns must fail with an E.
//
// ReplayLuxid and CheckAnswers want luxid's error text from an E, byte
// for byte (ReplayLuxid's after cutting every character of the E's text
// to its low 8 bits, as luxid's answers are), and luxid's answer from
// every match, each within a second.
//
// # Capture files
//
// query/pcre/testdata/capture-regexp.py records a capture file by asking
// a luxid to filter instances, named by the subjects, by each pattern:
//
//	{"software_version": "3.0.2",
//	 "subjects": ["abc", "a\nb", ...],
//	 "cases": [
//	  {"pattern": "instance1", "matches": [23]},
//	  {"pattern": "(", "error": "(1,\"missing )\")"},
//	  ...
//	 ]
//	}
//
// A case holds the indices into subjects of the subjects its pattern
// matches, or the text of luxid's error, or, under "failure", an answer
// that was neither; ReplayLuxid refuses a capture with a failure.
package regexptest
