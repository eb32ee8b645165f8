package jqscheduler

import (
	"encoding/json"

	"github.com/goluxid/goluxid/query"
)

// Config is what the scheduler reads from the cluster configuration. A
// nil *Config stands for "no configuration": rounds then do nothing.
type Config struct {
	// MaxRunningJobs caps running plus manipulated jobs when new jobs
	// are picked.
	MaxRunningJobs int
	// MaxTrackedJobs is kept for queries only: goluxid watches every
	// running job, so it limits nothing here.
	MaxTrackedJobs int
	Rules          *RuleSet
}

// NewConfig builds the scheduler's configuration from config.data's
// cluster.max_running_jobs and cluster.max_tracked_jobs and its "filters"
// object (raw JSON, as the file has it), whose regular expressions are in
// dialect, the installed release's. A filter rule that does not decode
// fails it, as it makes the real luxid refuse the whole configuration.
func NewConfig(maxRunning, maxTracked int, filters json.RawMessage, dialect query.RegexpDialect) (*Config, error) {
	rules, err := ParseRules(filters, dialect)
	if err != nil {
		return nil, err
	}
	return &Config{MaxRunningJobs: maxRunning, MaxTrackedJobs: maxTracked, Rules: rules}, nil
}

// NeedsReschedule tells whether a configuration change calls for a full
// update (death check, re-read, round): when the configuration became
// available or unavailable (nil), the filter rules changed in any field,
// or max_running_jobs changed. A change of max_tracked_jobs alone does not.
func NeedsReschedule(old, new *Config) bool {
	if old == nil || new == nil {
		return true
	}
	return old.MaxRunningJobs != new.MaxRunningJobs || !old.Rules.Equal(new.Rules)
}
