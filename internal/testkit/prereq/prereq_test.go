package prereq

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// recorder is a TB that notes how a helper ended the test.
type recorder struct{ fatal, skip string }

func (r *recorder) Helper()                      {}
func (r *recorder) Fatalf(f string, args ...any) { r.fatal = fmt.Sprintf(f, args...) }
func (r *recorder) Skipf(f string, args ...any)  { r.skip = fmt.Sprintf(f, args...) }

func TestMissingFailsOnlyUnderCI(t *testing.T) {
	for _, tc := range []struct {
		ci          string
		fatal, skip string
	}{
		{ci: "true", fatal: "cannot run under CI: needs x 1"},
		{ci: "1", fatal: "cannot run under CI: needs x 1"},
		{ci: "", skip: "needs x 1 (a failure under CI)"},
	} {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			var r recorder
			Missing(&r, "needs %s %d", "x", 1)
			assert.Equal(t, recorder{fatal: tc.fatal, skip: tc.skip}, r)
		})
	}
}

func TestKernelForbidsSkipsEvenUnderCI(t *testing.T) {
	for _, ci := range []string{"true", ""} {
		t.Setenv("CI", ci)
		var r recorder
		KernelForbids(&r, "no IPv6 loopback: %s", "refused")
		assert.Equal(t, recorder{skip: "the kernel rules it out: no IPv6 loopback: refused"}, r, "CI=%q", ci)
	}
}

func TestProgram(t *testing.T) {
	t.Setenv("CI", "true")
	var r recorder
	assert.NotEmpty(t, Program(&r, "sh", "dash"))
	assert.Equal(t, recorder{}, r)
	assert.Empty(t, Program(&r, "no-such-program-here", "nothing"))
	assert.Equal(t, "cannot run under CI: needs no-such-program-here (apt-get install nothing)", r.fatal)
}

func TestFile(t *testing.T) {
	t.Setenv("CI", "")
	var r recorder
	File(&r, t.TempDir(), "a directory")
	assert.Equal(t, recorder{}, r)
	File(&r, "/no/such/file", "the file")
	assert.Contains(t, r.skip, "needs the file: stat /no/such/file: no such file or directory")
}
