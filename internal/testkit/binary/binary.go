// Package binary gives tests the goluxid executable they run: the one
// named by $GOLUXID_BINARY (a prebuilt binary, e.g. where the tests run in
// the Debian 13 root, which has no Go toolchain), else one built from this
// checkout with "go build", once per test process.
package binary

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
)

// Env names a prebuilt goluxid to test instead of building one.
const Env = "GOLUXID_BINARY"

var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// Goluxid returns the path of the goluxid binary under test.
func Goluxid() (string, error) {
	if path := os.Getenv(Env); path != "" {
		return path, nil
	}
	built.once.Do(func() { built.path, built.err = build() })
	return built.path, built.err
}

// build compiles ./cmd/goluxid of the module this file belongs to into a
// new temporary directory.
func build() (string, error) {
	dir, err := os.MkdirTemp("", "goluxid-bin")
	if err != nil {
		return "", fmt.Errorf("binary: temp dir: %w", err)
	}
	built.dir = dir
	path := filepath.Join(dir, "goluxid")
	cmd := exec.Command("go", "build", "-o", path, "./cmd/goluxid")
	cmd.Dir = moduleRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("binary: go build ./cmd/goluxid: %w\n%s", err, out)
	}
	return path, nil
}

// moduleRoot is the checkout's top directory, three levels above this
// file.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Remove deletes a binary Goluxid built, if any; test mains call it on
// exit.
func Remove() error {
	if built.dir == "" {
		return nil
	}
	return os.RemoveAll(built.dir)
}
