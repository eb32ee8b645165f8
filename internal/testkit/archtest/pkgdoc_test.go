package archtest

import (
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOnePackageDoc checks that every package of the module, commands
// included, that has non-test files has exactly one file with a package doc comment.
func TestOnePackageDoc(t *testing.T) {
	for _, dir := range moduleDirs(t) {
		var withDoc []string
		nonTest := 0
		fset := token.NewFileSet()
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			nonTest++
			parsed, err := parser.ParseFile(fset, f, nil, parser.PackageClauseOnly|parser.ParseComments)
			require.NoError(t, err)
			if parsed.Doc != nil {
				withDoc = append(withDoc, filepath.Base(f))
			}
		}
		if nonTest == 0 {
			continue // a directory of tests only
		}
		assert.Len(t, withDoc, 1, "package in %s: files with a package doc: %v", dir, withDoc)
	}
}

// moduleDirs returns the directory of every package of the module.
func moduleDirs(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.Dir}}", module+"/...").Output()
	require.NoError(t, err)
	dirs := strings.Fields(string(out))
	require.NotEmpty(t, dirs)
	return dirs
}
