package main

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/internal/testkit/bench"
	"github.com/goluxid/goluxid/internal/testkit/bench/store"
)

// storeSetting is what the store records besides the report: the
// installed release, goluxid's flags and commit, the profile. Without
// -store it is not needed and not looked up.
func (o options) storeSetting() (store.Setting, error) {
	if o.storeDir == "" {
		return store.Setting{}, nil
	}
	rel, err := release.Installed()
	if err != nil {
		return store.Setting{}, err
	}
	commit := o.commit
	if commit == "" {
		commit = goluxidCommit()
	}
	return store.Setting{Release: rel.Dir, GanetiVersion: rel.Version, GoluxidFlags: strings.Join(strings.Fields(o.goFlags), " "),
		GoluxidCommit: commit, Profile: o.profile}, nil
}

// storeResults writes every complete scenario of rep to the store and
// says which on w.
func (o options) storeResults(rep *bench.Report, s store.Setting, w io.Writer) error {
	if o.storeDir == "" {
		return nil
	}
	var errs []error
	for _, e := range store.Split(rep, s) {
		if err := store.Write(o.storeDir, e); err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(w, "stored %s/%s/%s/%s.json\n", o.storeDir, e.Release, e.StartMode, e.Scenario.Name)
	}
	return errors.Join(errs...)
}

// goluxidCommit names the checkout of the working directory as the store
// records it: git's short commit id, with "-dirty" when files other than
// the stored results and the rendered report have changes; "" when git
// cannot tell.
func goluxidCommit() string {
	id, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	changes, err := exec.Command("git", "status", "--porcelain", "--",
		":(top)", ":(top,exclude)benchmarks", ":(top,exclude)BENCHMARKS.md").Output()
	if err != nil {
		return ""
	}
	commit := strings.TrimSpace(string(id))
	if strings.TrimSpace(string(changes)) != "" {
		commit += "-dirty"
	}
	return commit
}
