// Package query is luxid's query engine: the filter language, field
// tables and the execution of Query, QueryFields and the classic queries,
// shared by every resource (nodes, instances, groups, networks, exports,
// filter rules, locks, jobs) and by the scheduler's job filter rules.
//
// # Filter wire format
//
// A filter is JSON null (the empty filter: every item passes) or an array
// whose first element names the operator:
//
//	["&", f1, f2, …]     all operands hold; ["&"] is true
//	["|", f1, f2, …]     some operand holds; ["|"] is false
//	["!", f]             f does not hold
//	["?", field]         the field is a bool and true
//	["==", field, value] equality ("=" is a legacy alias)
//	["!=", field, value] read as ["!", ["==", field, value]]
//	["<" | ">" | "<=" | ">=", field, value]  ordering
//	["=~", field, regex] the regular expression matches somewhere
//	["=[]", field, value] the list field contains value
//
// A value is a JSON string or an integral number of any size ("1.0" is 1;
// "1.5", booleans and null are rejected). Field names are strings. Logic
// operands may be null, the empty filter. ParseFilter decodes this form
// into a *Filter and fails with a *ParseError carrying Ganeti's text;
// Filter.MarshalJSON writes it back as Ganeti does ("=" as "==").
//
// # Evaluation
//
// & and | evaluate left to right and stop early. A leaf reads its field's
// cell: a cell without a value (status other than RS_NORMAL) passes every
// leaf; otherwise strings compare with strings by code points, numbers
// with integers exactly, and any other pairing fails the whole query with
// Ganeti's ParameterError. Hostname fields make "==" accept "node1" for
// "node1.example.com"; timestamp fields compare their seconds.
//
// # Regular expressions
//
// The language of =~ is the one of the Ganeti release served, chosen with
// WithRegexpDialect (ReleaseRegexpDialect maps a release to its
// dialect): RegexpPCRE for Ganeti 3.0, whose luxid compiles with libpcre
// 8 (Perl syntax, multiline, matching the UTF-8 bytes of the subject),
// and RegexpTDFA for 3.1 and later, whose luxid compiles with Haskell's
// regex-tdfa (POSIX extended syntax, multiline, matching characters).
// Packages pcre and tdfa implement them, down to the text and offset of
// their syntax errors, which CompileRegexp turns into a *ParseError. A
// PCRE match backtracks and is bounded by a timeout, so a catastrophic
// pattern fails the query instead of stalling the daemon; a TDFA match
// runs an automaton in time linear in the subject.
//
// # Queries
//
// A resource declares a Table of fields (a FieldDefinition plus a getter
// returning a Cell, [status, value] on the wire), how to Select its items,
// and optionally how to fetch Live data for the fields that need it.
// Resource.Query filters the items without live data first, fetches live
// data for the survivors only, filters again and builds the rows. Compat
// turns a result into the plain rows of the classic queries.
package query
