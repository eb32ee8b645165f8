package bench

import (
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

// A report as perf 6.1 writes it with -x , and a control pipe.
const perfReport = `# started on Fri Nov 27 12:07:46 2026

180312,,raw_syscalls:sys_enter,67074689,100.00,,
<not counted>,,syscalls:sys_enter_fsync,0,100.00,,
12,,syscalls:sys_enter_fdatasync,67074689,100.00,,
Events enabled
Events disabled
`

func TestParsePerfStat(t *testing.T) {
	c, err := parsePerfStat(perfReport)
	require.NoError(t, err)
	assert.Equal(t, syscallCounts{total: 180312, syncs: 12}, c)

	_, err = parsePerfStat("# started on Fri Nov 27 12:07:46 2026\n")
	assert.ErrorContains(t, err, "no count of raw_syscalls:sys_enter")
	_, err = parsePerfStat("12x,,raw_syscalls:sys_enter,1,100.00,,\n")
	assert.ErrorContains(t, err, `line "12x`)
}

// Counting this test's own process while it makes known calls finds at
// least those, and nothing of what it does before or after.
func TestCountSyscalls(t *testing.T) {
	if os.Geteuid() != 0 {
		prereq.Missing(t, "perf stat -p needs root here")
	}
	perf := prereq.Program(t, "perf", "linux-perf")
	if out, err := exec.Command(perf, "stat", "-e", "raw_syscalls:sys_enter", "-o", "/dev/null", "--", "true").CombinedOutput(); err != nil {
		prereq.KernelForbids(t, "perf cannot count system calls with this kernel (Debian's perf needs a Debian kernel): %v: %s", err, out)
	}
	f, err := os.Create(t.TempDir() + "/f")
	require.NoError(t, err)
	defer f.Close()
	const calls, syncs = 20000, 3
	c, err := countSyscalls(os.Getpid(), t.TempDir(), func() error {
		for range calls {
			syscall.Getpid()
		}
		for range syncs {
			if err := f.Sync(); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, c.total, int64(calls+syncs))
	assert.Less(t, c.total, int64(calls+syncs)*2, "only the span is counted")
	assert.Equal(t, int64(syncs), c.syncs)
}
