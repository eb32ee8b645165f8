package bench

import (
	"os"
	"testing"
)

// TestMain runs the tests, or the stand-in noded of the query benchmarks
// when the test binary is started as one (noded_test.go).
func TestMain(m *testing.M) {
	if root := os.Getenv(standInEnv); root != "" {
		os.Exit(serveStandIn(root))
	}
	os.Exit(m.Run())
}
