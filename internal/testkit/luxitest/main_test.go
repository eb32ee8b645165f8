package luxitest

import (
	"testing"

	"github.com/goluxid/goluxid/internal/testkit/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }
