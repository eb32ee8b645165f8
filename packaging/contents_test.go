package packaging_test

import (
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/daemon"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

// TestLintianClean runs lintian on the package: no error and no warning.
// The overrides it honours are in packaging/debian/lintian-overrides,
// each with its reason.
func TestLintianClean(t *testing.T) {
	lintian := prereq.Program(t, "lintian", "lintian")
	out, err := exec.Command(lintian, "--fail-on", "error,warning", debPackage(t)).CombinedOutput()
	require.NoError(t, err, "lintian: %s", out)
	for line := range strings.SplitSeq(string(out), "\n") {
		assert.False(t, strings.HasPrefix(line, "E: ") || strings.HasPrefix(line, "W: "), line)
	}
}

// TestManPageListsEveryOption compares the OPTIONS section of goluxid(8)
// with the options goluxid takes, as its --help-completion lists them.
func TestManPageListsEveryOption(t *testing.T) {
	page, err := os.ReadFile("man/goluxid.8")
	require.NoError(t, err)
	var flags []string
	for line := range strings.SplitSeq(strings.TrimSpace(daemon.HelpCompletion), "\n") {
		flags = append(flags, strings.Fields(line)[0])
	}
	require.NotEmpty(t, flags)
	assert.ElementsMatch(t, flags, manPageOptions(string(page)))
}

// manPageOptions returns the option names in the tags of the paragraphs
// (.TP) of a manual page's OPTIONS section.
func manPageOptions(page string) []string {
	var names []string
	inOptions, isTag := false, false
	for line := range strings.SplitSeq(page, "\n") {
		switch {
		case strings.HasPrefix(line, ".SH "):
			inOptions = strings.TrimSpace(strings.TrimPrefix(line, ".SH ")) == "OPTIONS"
		case inOptions && line == ".TP":
			isTag = true
		case isTag:
			names = append(names, roffOptionNames(line)...)
			isTag = false
		}
	}
	return names
}

var (
	roffFont   = regexp.MustCompile(`\\f[BIRP]`)
	optionName = regexp.MustCompile(`(?:^|[\s,"])(--?[A-Za-z][A-Za-z-]*)`)
)

// roffOptionNames returns the options named in a line of roff: words
// starting with "-" or "--" once escapes and fonts are removed.
func roffOptionNames(line string) []string {
	text := roffFont.ReplaceAllString(strings.ReplaceAll(line, `\-`, "-"), "")
	var names []string
	for _, m := range optionName.FindAllStringSubmatch(text, -1) {
		names = append(names, m[1])
	}
	return names
}

// TestCopyrightNamesLinkedModules checks that the copyright file names
// exactly the Go modules linked into the packaged binary.
func TestCopyrightNamesLinkedModules(t *testing.T) {
	root := t.TempDir()
	run(t, "dpkg-deb", "-x", debPackage(t), root)
	info, err := buildinfo.ReadFile(filepath.Join(root, "usr/sbin/ganeti-luxid"))
	require.NoError(t, err)
	var linked []string
	for _, dep := range info.Deps {
		linked = append(linked, dep.Path)
	}
	require.NotEmpty(t, linked)
	copyright, err := os.ReadFile(filepath.Join(root, "usr/share/doc/goluxid/copyright"))
	require.NoError(t, err)
	named := regexp.MustCompile(`(?m)^  ([a-z0-9.-]+\.[a-z]+/\S+): Copyright `).FindAllStringSubmatch(string(copyright), -1)
	var listed []string
	for _, m := range named {
		listed = append(listed, m[1])
	}
	assert.ElementsMatch(t, linked, listed)
}
