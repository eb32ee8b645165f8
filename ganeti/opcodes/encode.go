package opcodes

import (
	"unicode/utf8"
)

// appendValue writes v as luxid's JSON encoder does: compact, numbers as
// jsNumberText, strings escaped as Text.JSON escapes them and written as
// UTF-8.
func appendValue(buf []byte, v *value) []byte {
	switch v.kind {
	case kNull, kAbsent:
		return append(buf, "null"...)
	case kBool:
		if v.b {
			return append(buf, "true"...)
		}
		return append(buf, "false"...)
	case kNum:
		if v.canon {
			return append(buf, v.s...)
		}
		return append(buf, jsNumberText(v.s)...)
	case kStr:
		return appendString(buf, v.s)
	case kArr:
		buf = append(buf, '[')
		for i := range v.arr {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendValue(buf, &v.arr[i])
		}
		return append(buf, ']')
	default:
		buf = append(buf, '{')
		for i := range v.obj {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendString(buf, v.obj[i].key)
			buf = append(buf, ':')
			buf = appendValue(buf, &v.obj[i].val)
		}
		return append(buf, '}')
	}
}

const hexDigits = "0123456789abcdef"

// appendString writes s quoted. Only '"', '\\' and control characters are
// escaped (\b \f \n \r \t, else \u00xx in lower case); invalid UTF-8
// becomes U+FFFD so that the job file stays UTF-8.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			buf = append(buf, s[start:i]...)
			buf = append(buf, "\uFFFD"...)
			i++
			start = i
			continue
		}
		buf = append(buf, s[start:i]...)
		buf = appendEscape(buf, c)
		i++
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

func appendEscape(buf []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(buf, '\\', c)
	case '\b':
		return append(buf, '\\', 'b')
	case '\f':
		return append(buf, '\\', 'f')
	case '\n':
		return append(buf, '\\', 'n')
	case '\r':
		return append(buf, '\\', 'r')
	case '\t':
		return append(buf, '\\', 't')
	}
	return append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}
