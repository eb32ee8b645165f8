package query

import (
	"context"
	"fmt"
	"testing"
)

// benchItem is an item of the benchmark resource.
type benchItem struct {
	name, group string
	count       int
	tags        []string
	flag        bool
}

var benchTable = NewTable(
	Field[*benchItem, struct{}]{FieldDefinition: FieldDefinition{"name", "Name", KindText, "Name"}, Mode: ModeHostname,
		Get: func(i *benchItem) Cell { return Normal(i.name) }},
	Field[*benchItem, struct{}]{FieldDefinition: FieldDefinition{"group", "Group", KindText, "Group"},
		Get: func(i *benchItem) Cell { return Normal(i.group) }},
	Field[*benchItem, struct{}]{FieldDefinition: FieldDefinition{"count", "Count", KindNumber, "Count"},
		Get: func(i *benchItem) Cell { return Normal(i.count) }},
	Field[*benchItem, struct{}]{FieldDefinition: FieldDefinition{"tags", "Tags", KindOther, "Tags"},
		Get: func(i *benchItem) Cell { return Normal(i.tags) }},
	Field[*benchItem, struct{}]{FieldDefinition: FieldDefinition{"flag", "Flag", KindBool, "Flag"},
		Get: func(i *benchItem) Cell { return Normal(i.flag) }},
)

// benchFilter is a typical filter as gnt-* commands send them.
const benchFilter = `["&", ["=~", "name", "^node[0-9]*5"], [">", "count", 100],
	["!", ["=[]", "tags", "bad"]], ["|", ["?", "flag"], ["==", "group", "default"]]]`

func benchResource(n int) *Resource[*benchItem, struct{}] {
	items := make([]*benchItem, n)
	for i := range items {
		items[i] = &benchItem{
			name:  fmt.Sprintf("node%d.example.com", i),
			group: []string{"default", "other"}[i%2],
			count: i % 1000,
			tags:  []string{"rack:a", []string{"good", "bad"}[i%3%2]},
			flag:  i%5 == 0,
		}
	}
	return &Resource[*benchItem, struct{}]{
		Table:     benchTable,
		NameField: "name",
		Select: func(context.Context, []Value, []string) ([]*benchItem, error) {
			return items, nil
		},
	}
}

func BenchmarkParseFilter(b *testing.B) {
	for b.Loop() {
		if _, err := ParseFilter([]byte(benchFilter)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	f := mustParse(b, benchFilter)
	for b.Loop() {
		if _, err := benchTable.Compile(f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuery10k runs a typical filtered query over 10,000 items.
func BenchmarkQuery10k(b *testing.B) {
	res := benchResource(10000)
	f := mustParse(b, benchFilter)
	fields := []string{"name", "count", "tags"}
	var rows int
	for b.Loop() {
		r, err := res.Query(context.Background(), fields, f)
		if err != nil {
			b.Fatal(err)
		}
		rows = len(r.Data)
	}
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkEvaluate10k evaluates the compiled filter on 10,000 items.
func BenchmarkEvaluate10k(b *testing.B) {
	res := benchResource(10000)
	items, _ := res.Select(context.Background(), nil, nil)
	c, err := benchTable.Compile(mustParse(b, benchFilter))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for _, it := range items {
			if _, err := c.Match(it, struct{}{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkNiceSort10k(b *testing.B) {
	names := make([]string, 10000)
	for i := range names {
		names[i] = fmt.Sprintf("node%d.example.com", (i*7919)%10000)
	}
	work := make([]string, len(names))
	for b.Loop() {
		copy(work, names)
		NiceSort(work)
	}
}
