package report

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"github.com/goluxid/goluxid/internal/durable"
	"github.com/goluxid/goluxid/internal/testkit/bench/store"
)

//go:embed benchmarks.md.tmpl
var templateText string

var docTemplate = template.Must(template.New("benchmarks.md").Funcs(template.FuncMap{"cell": cell}).Parse(templateText))

// Output is a rendered report.
type Output struct {
	Markdown []byte
	// Charts are the SVG files by name.
	Charts map[string][]byte
}

// Render renders the report of st. chartsLink is the charts' directory as
// the Markdown's links name it ("benchmarks/charts").
func Render(st *store.Store, chartsLink string) (*Output, error) {
	ix := newIndex(st)
	charts := ix.charts()
	out := &Output{Charts: map[string][]byte{}}
	for _, c := range charts {
		out.Charts[c.file] = c.chart.SVG()
	}
	var b bytes.Buffer
	if err := docTemplate.Execute(&b, newDocument(ix, st, charts, strings.TrimSuffix(chartsLink, "/"))); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	out.Markdown = b.Bytes()
	return out, nil
}

// cell makes s fit in one cell of a Markdown table.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// WriteFiles writes the Markdown to mdFile and the charts into chartsDir,
// durably, and removes the SVG files of chartsDir it did not write.
func (o *Output) WriteFiles(mdFile, chartsDir string) error {
	if err := os.MkdirAll(chartsDir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	charts := durable.Open(chartsDir, nil)
	names := make([]string, 0, len(o.Charts))
	for name := range o.Charts {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := charts.WriteFile(name, o.Charts[name], 0o644); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if err := removeStale(chartsDir, o.Charts); err != nil {
		return err
	}
	dir, name := filepath.Split(mdFile)
	if dir == "" {
		dir = "."
	}
	if err := durable.Open(dir, nil).WriteFile(name, o.Markdown, 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// removeStale removes the SVG files of dir that are not in keep.
func removeStale(dir string, keep map[string][]byte) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.svg"))
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var errs []error
	for _, f := range files {
		if _, ok := keep[filepath.Base(f)]; !ok {
			errs = append(errs, os.Remove(f))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("report: removing old charts: %w", err)
	}
	return nil
}
