package query

import (
	"cmp"
	"slices"
	"strings"
)

// NiceCompare orders strings the way Ganeti's niceSort does: split into
// maximal runs of ASCII digits and of other characters, digit runs compare
// as integers and sort before text runs at the same position, text runs
// compare by code points, and a run list that is a prefix of the other
// sorts first. "a01" and "a1" compare equal.
func NiceCompare(a, b string) int {
	for a != "" && b != "" {
		runA, restA := nextRun(a)
		runB, restB := nextRun(b)
		digitA, digitB := isDigit(a[0]), isDigit(b[0])
		var c int
		switch {
		case digitA && !digitB:
			return -1
		case !digitA && digitB:
			return 1
		case digitA:
			c = compareDigits(runA, runB)
		default:
			c = strings.Compare(runA, runB)
		}
		if c != 0 {
			return c
		}
		a, b = restA, restB
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}

// NiceSort sorts names in place by NiceCompare, keeping the order of
// equal names.
func NiceSort(names []string) {
	slices.SortStableFunc(names, NiceCompare)
}

// NiceSortFunc sorts items in place by NiceCompare of their keys, keeping
// the order of items with equal keys.
func NiceSortFunc[T any](items []T, key func(T) string) {
	slices.SortStableFunc(items, func(a, b T) int { return NiceCompare(key(a), key(b)) })
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// nextRun splits s (not empty) after its first run of digits or of
// non-digits.
func nextRun(s string) (run, rest string) {
	digit := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == digit {
		i++
	}
	return s[:i], s[i:]
}

// compareDigits compares two digit runs as integers of any size.
func compareDigits(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(a, b)
}
