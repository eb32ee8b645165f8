package jqueue

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseJobFileName(t *testing.T) {
	for name, want := range map[string]bool{"job-1": true, "job-0012": true, "job-": false, "job-1.tmp": false, "job-1-2-3.tmp": false, "jobs-1": false, "job--1": false} {
		_, ok := ParseJobFileName(name)
		assert.Equal(t, want, ok, name)
	}
}
