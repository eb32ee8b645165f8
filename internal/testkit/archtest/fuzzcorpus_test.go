package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpusHeader starts every file of a go test fuzz corpus.
const corpusHeader = "go test fuzz v1\n"

// TestEveryFuzzTargetHasACorpus checks that each fuzz target of the
// module has a committed seed corpus in its package's
// testdata/fuzz/<target>/, in go test's corpus format.
func TestEveryFuzzTargetHasACorpus(t *testing.T) {
	targets := 0
	for _, dir := range moduleDirs(t) {
		for _, target := range fuzzTargets(t, dir) {
			targets++
			corpus := filepath.Join(dir, "testdata", "fuzz", target)
			entries, err := os.ReadDir(corpus)
			if !assert.NoError(t, err, "corpus of %s", target) {
				continue
			}
			assert.NotEmpty(t, entries, corpus)
			for _, e := range entries {
				data, err := os.ReadFile(filepath.Join(corpus, e.Name()))
				require.NoError(t, err)
				assert.True(t, strings.HasPrefix(string(data), corpusHeader), "%s/%s is not a corpus file", corpus, e.Name())
			}
		}
	}
	assert.NotZero(t, targets, "no fuzz target found")
}

// fuzzTargets returns the names of the fuzz targets of the test files in
// dir: top-level functions named Fuzz… taking a *testing.F.
func fuzzTargets(t *testing.T, dir string) []string {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	require.NoError(t, err)
	var names []string
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, decl := range file.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Fuzz") && takesTestingF(fn) {
				names = append(names, fn.Name.Name)
			}
		}
	}
	return names
}

// takesTestingF reports whether fn's only parameter is a *testing.F.
func takesTestingF(fn *ast.FuncDecl) bool {
	params := fn.Type.Params.List
	if len(params) != 1 {
		return false
	}
	star, ok := params[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "F" && isIdent(sel.X, "testing")
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
