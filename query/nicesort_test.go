package query

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNiceSort(t *testing.T) {
	tests := []struct {
		name     string
		in, want []string
	}{
		{"spec nodes", []string{"node10", "node3", "node1", "node2"}, []string{"node1", "node2", "node3", "node10"}},
		{"prefix first", []string{"a1", "a"}, []string{"a", "a1"}},
		{"digits before text", []string{"a", "1a"}, []string{"1a", "a"}},
		{"leading zeros equal, stable", []string{"a1", "a01", "a001"}, []string{"a1", "a01", "a001"}},
		{"leading zeros equal, stable reversed", []string{"a01", "a1"}, []string{"a01", "a1"}},
		{"ganeti example", []string{"a1", "a10", "a11", "a2"}, []string{"a1", "a2", "a10", "a11"}},
		{"hostnames", []string{"node10.example.com", "node2.example.com", "node1.example.com"},
			[]string{"node1.example.com", "node2.example.com", "node10.example.com"}},
		{"huge numbers", []string{"x100000000000000000000000", "x99999999999999999999999"},
			[]string{"x99999999999999999999999", "x100000000000000000000000"}},
		{"empty first", []string{"b", "", "0"}, []string{"", "0", "b"}},
		{"text runs by code points", []string{"é", "z", "Z"}, []string{"Z", "z", "é"}},
		{"runs compared one by one", []string{"ab1", "a1", "abc"}, []string{"a1", "ab1", "abc"}},
		{"field names", []string{"ndp/ssh_port", "ndp/cpu_speed", "mtime", "mfree", "name"},
			[]string{"mfree", "mtime", "name", "ndp/cpu_speed", "ndp/ssh_port"}},
		{"disk indexes", []string{"disk.size/10", "disk.size/2", "disk.sizes"},
			[]string{"disk.size/2", "disk.size/10", "disk.sizes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := append([]string(nil), tt.in...)
			NiceSort(got)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNiceCompare(t *testing.T) {
	assert.Equal(t, 0, NiceCompare("a01", "a1"))
	assert.Equal(t, -1, NiceCompare("node2", "node10"))
	assert.Equal(t, 1, NiceCompare("node10", "node2"))
	assert.Equal(t, -1, NiceCompare("a", "a1"))
	assert.Equal(t, 0, NiceCompare("", ""))
}

func TestNiceSortFunc(t *testing.T) {
	type item struct{ name, uuid string }
	items := []item{{"n10", "a"}, {"n1", "b"}, {"n01", "c"}, {"n2", "d"}}
	NiceSortFunc(items, func(i item) string { return i.name })
	assert.Equal(t, []item{{"n1", "b"}, {"n01", "c"}, {"n2", "d"}, {"n10", "a"}}, items)
}
