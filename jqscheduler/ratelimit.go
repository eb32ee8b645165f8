package jqscheduler

import (
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

// bucket is an ad-hoc rate limit a job takes part in because one of its
// reason trail entries reads "rate-limit:<n>:<label>": at most limit jobs
// of the same key may run at once.
type bucket struct {
	// key is "<n as written>:<label>:<n>": "rate-limit:3:x" and
	// "rate-limit:4:x" are different buckets, and so are "…:02:x" and
	// "…:2:x".
	key   string
	limit int64
}

// parseBucket reads the bucket a reason text asks for, if any.
func parseBucket(reason string) (bucket, bool) {
	rest, ok := strings.CutPrefix(reason, "rate-limit:")
	if !ok {
		return bucket{}, false
	}
	count, _, _ := strings.Cut(rest, ":")
	n, ok := readsInt(count)
	if !ok || n <= 0 {
		return bucket{}, false
	}
	return bucket{key: rest + ":" + strconv.FormatInt(n, 10), limit: n}, true
}

// bucketsOf returns the distinct buckets of a reason trail, in order.
func bucketsOf(reasons []Reason) []bucket {
	var out []bucket
	for _, r := range reasons {
		b, ok := parseBucket(r.Text)
		if ok && !hasBucket(out, b.key) {
			out = append(out, b)
		}
	}
	return out
}

func hasBucket(buckets []bucket, key string) bool {
	for _, b := range buckets {
		if b.key == key {
			return true
		}
	}
	return false
}

// readsInt reads an Int the way Haskell's reads does for a whole string:
// leading white space, optional parentheses, an optional minus, and a
// decimal, 0x hexadecimal or 0o octal literal; nothing may follow. Values
// wrap around at 64 bits as Haskell's fromInteger does.
func readsInt(s string) (int64, bool) {
	s = trimSpace(s)
	depth := 0
	for strings.HasPrefix(s, "(") {
		depth++
		s = trimSpace(s[1:])
	}
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = trimSpace(s[1:])
	}
	n, rest, ok := lexNatural(s)
	if !ok {
		return 0, false
	}
	for ; depth > 0; depth-- {
		rest = trimSpace(rest)
		if !strings.HasPrefix(rest, ")") {
			return 0, false
		}
		rest = rest[1:]
	}
	if rest != "" {
		return 0, false
	}
	if neg {
		n.Neg(n)
	}
	return wrap64(n), true
}

func trimSpace(s string) string { return strings.TrimLeftFunc(s, unicode.IsSpace) }

// lexNatural reads the unsigned integer literal at the start of s.
func lexNatural(s string) (*big.Int, string, bool) {
	base, digits := 10, s
	if len(s) > 2 && s[0] == '0' {
		switch s[1] {
		case 'x', 'X':
			base, digits = 16, s[2:]
		case 'o', 'O':
			base, digits = 8, s[2:]
		}
	}
	end := 0
	for end < len(digits) && isDigit(digits[end], base) {
		end++
	}
	if end == 0 {
		if base != 10 { // "0x" without digits lexes as 0 followed by "x…"
			return big.NewInt(0), s[1:], true
		}
		return nil, "", false
	}
	n, _ := new(big.Int).SetString(digits[:end], base)
	return n, digits[end:], true
}

func isDigit(c byte, base int) bool {
	switch {
	case c >= '0' && c <= '7':
		return true
	case c == '8' || c == '9':
		return base >= 10
	case base == 16:
		return c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
	}
	return false
}

// wrap64 keeps the low 64 bits of n as a two's complement int64.
func wrap64(n *big.Int) int64 {
	mask := new(big.Int).SetUint64(^uint64(0))
	return int64(new(big.Int).And(n, mask).Uint64())
}

// bucketPass admits candidates while each of their buckets has room;
// running jobs and the candidates admitted before fill the buckets.
type bucketPass struct {
	occupied map[string]int64
}

// newBucketPass counts the active (running and manipulated) jobs of each
// bucket; a bucket may already be over its limit.
func newBucketPass(active []*Job) *bucketPass {
	p := &bucketPass{occupied: map[string]int64{}}
	for _, j := range active {
		for _, b := range j.buckets {
			p.occupied[b.key]++
		}
	}
	return p
}

// admit takes j if every bucket of j has a free slot, and occupies them.
func (p *bucketPass) admit(j *Job) bool {
	for _, b := range j.buckets {
		if p.occupied[b.key]+1 > b.limit {
			return false
		}
	}
	for _, b := range j.buckets {
		p.occupied[b.key]++
	}
	return true
}
