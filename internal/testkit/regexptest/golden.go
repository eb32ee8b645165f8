package regexptest

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

// Regexp is a compiled pattern of the engine under test.
type Regexp interface {
	Match(subject string, timeout time.Duration) (bool, error)
}

// capture is a capture file: for each pattern, the subjects it matched
// or its error text.
type capture struct {
	SoftwareVersion string   `json:"software_version"`
	Subjects        []string `json:"subjects"`
	Cases           []struct {
		Pattern string `json:"pattern"`
		Matches []int  `json:"matches"`
		Error   string `json:"error"`
		Failure string `json:"failure"`
	} `json:"cases"`
}

// ReplayLuxid checks compile against every case of the capture file at
// path: the same error text, byte for byte, and the same subjects
// matched.
func ReplayLuxid[E error, R Regexp](t *testing.T, path string, compile func(pattern string) (R, error)) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var capture capture
	require.NoError(t, json.Unmarshal(data, &capture))
	require.NotEmpty(t, capture.Cases)
	for _, c := range capture.Cases {
		require.Empty(t, c.Failure, "%q", c.Pattern)
		re, err := compile(c.Pattern)
		if c.Error != "" {
			var se E
			if assert.True(t, errors.As(err, &se), "%q compiles", c.Pattern) {
				assert.Equal(t, c.Error, lowBytes(se.Error()), "%q", c.Pattern)
			}
			continue
		}
		if !assert.NoError(t, err, "%q", c.Pattern) {
			continue
		}
		matches := []int{}
		for i, subject := range capture.Subjects {
			ok, err := re.Match(subject, time.Second)
			require.NoError(t, err)
			if ok {
				matches = append(matches, i)
			}
		}
		assert.Equal(t, append([]int{}, c.Matches...), matches, "%q", c.Pattern)
	}
}

// lowBytes cuts every character of s to its low 8 bits, as luxid's
// answers do.
func lowBytes(s string) string {
	return strings.Map(func(r rune) rune { return r & 0xff }, s)
}
