package query

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// regexpCapture is what testdata/capture-regexp.py recorded from a real
// luxid: for each pattern, the subjects it matched or its error text.
type regexpCapture struct {
	SoftwareVersion string   `json:"software_version"`
	Subjects        []string `json:"subjects"`
	Cases           []struct {
		Pattern string `json:"pattern"`
		Matches []int  `json:"matches"`
		Error   string `json:"error"`
		Failure string `json:"failure"`
	} `json:"cases"`
}

// TestRegexpAgainstLuxid replays the patterns recorded from Ganeti 3.0's
// luxid (PCRE) and 3.1's (regex-tdfa): the same errors, byte for byte, and
// the same subjects matched.
func TestRegexpAgainstLuxid(t *testing.T) {
	for _, tc := range []struct {
		file    string
		dialect RegexpDialect
	}{{"testdata/regexp-pcre.json", RegexpPCRE}, {"testdata/regexp-tdfa.json", RegexpTDFA}} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(tc.file)
			require.NoError(t, err)
			var capture regexpCapture
			require.NoError(t, json.Unmarshal(data, &capture))
			require.NotEmpty(t, capture.Cases)
			for _, c := range capture.Cases {
				require.Empty(t, c.Failure, "%q", c.Pattern)
				re, err := CompileRegexp(c.Pattern, tc.dialect, time.Second)
				if c.Error != "" {
					var pe *ParseError
					if assert.True(t, errors.As(err, &pe), "%q compiles", c.Pattern) {
						assert.Equal(t, c.Error, lowBytes(pe.Msg), "%q", c.Pattern)
					}
					continue
				}
				if !assert.NoError(t, err, "%q", c.Pattern) {
					continue
				}
				matches := []int{}
				for i, subject := range capture.Subjects {
					ok, err := re.MatchString(subject)
					require.NoError(t, err)
					if ok {
						matches = append(matches, i)
					}
				}
				assert.Equal(t, append([]int{}, c.Matches...), matches, "%q", c.Pattern)
			}
		})
	}
}

// lowBytes cuts every character of s to its low 8 bits, as luxid's
// answers do.
func lowBytes(s string) string {
	return strings.Map(func(r rune) rune { return r & 0xff }, s)
}
