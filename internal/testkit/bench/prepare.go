package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/internal/hsjson"
)

// pauseRuleUUID names the filter rule that holds every job queued.
const pauseRuleUUID = "6c0d8a1e-7b5f-4c2e-9a1d-0be5c4a1f001"

// pauseAll adds a PAUSE rule without predicates to config.data, so that
// every submitted job stays queued and no job process is forked.
func pauseAll(l *paths.Layout) error {
	return addPauseRule(l, pauseRuleUUID, []any{})
}

// addPauseRule adds a PAUSE rule with predicates to config.data. Numbers
// are kept verbatim.
func addPauseRule(l *paths.Layout, uuid string, predicates []any) error {
	data, err := os.ReadFile(l.ConfigFile)
	if err != nil {
		return fmt.Errorf("bench: pause rule: %w", err)
	}
	var cfg map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&cfg); err != nil {
		return fmt.Errorf("bench: pause rule: parse %s: %w", l.ConfigFile, err)
	}
	filters, ok := cfg["filters"].(map[string]any)
	if !ok {
		if cfg["filters"] != nil {
			return errors.New("bench: pause rule: config.data has a \"filters\" that is not an object")
		}
		filters = map[string]any{}
		cfg["filters"] = filters
	}
	filters[uuid] = map[string]any{
		"uuid": uuid, "watermark": 0, "priority": 0,
		"predicates": predicates, "action": "PAUSE", "reason_trail": []any{},
	}
	out, err := hsjson.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("bench: pause rule: %w", err)
	}
	// Rewriting in place keeps the file's owner and mode.
	if err := os.WriteFile(l.ConfigFile, out, 0o640); err != nil {
		return fmt.Errorf("bench: pause rule: %w", err)
	}
	return nil
}
