package bench

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// load is what the luxid spent while a workload ran.
type load struct {
	elapsed    time.Duration
	cpu        time.Duration // up to the last sample if the luxid exited
	peakRSSKiB int64
	peakFds    int
	startFds   int
	// exited is set when the luxid was gone at the end.
	exited bool
}

// underLoad runs work while it watches the luxid pid: its CPU time, and
// the peaks of its memory and descriptors. The error is work's; a luxid
// that exits meanwhile is reported in the load, not as an error.
func underLoad(pid int, work func() error) (load, error) {
	before, err := sampleProc(pid)
	if err != nil {
		return load{}, err
	}
	m := startMonitor(pid)
	start := time.Now()
	err = work()
	elapsed := time.Since(start)
	peak, exited := m.Stop()
	return load{
		elapsed: elapsed, cpu: peak.cpu - before.cpu,
		peakRSSKiB: peak.rssKiB, peakFds: peak.fds, startFds: before.fds, exited: exited,
	}, err
}

// addPeaks adds the peak memory and descriptors under the load.
func (l load) addPeaks(f *figures) {
	f.add("peak RSS", "MiB", Lower, mib(l.peakRSSKiB))
	f.add("peak open fds", "fds", Lower, float64(l.peakFds))
}

// addCPUPer adds the luxid's CPU time per operation, in unit ("µs" or
// "ms").
func (l load) addCPUPer(f *figures, what string, n int, unit string) {
	scale := map[string]time.Duration{"µs": time.Microsecond, "ms": time.Millisecond}[unit]
	if scale == 0 || n <= 0 {
		panic(fmt.Sprintf("bench: addCPUPer(%q, %d)", unit, n))
	}
	f.add("luxid CPU per "+what, unit, Lower, float64(l.cpu)/float64(scale)/float64(n))
}

// mib converts KiB to MiB.
func mib(kib int64) float64 { return float64(kib) / 1024 }

// boolFigure is 1 for true, 0 for false.
func boolFigure(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// outputLines is how much of a luxid's output lastOutput keeps.
const outputLines = 2

// lastOutput returns the last lines of a luxid's output file, joined, or
// why it cannot.
func lastOutput(file string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Sprintf("(cannot read its output: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(len(lines)-outputLines, 0):], " / ")
}

// timedUnderLoad runs op reps times under the luxid's load monitor and
// returns how long each run took.
func timedUnderLoad(pid, reps int, op func() error) ([]time.Duration, load, error) {
	lat := make([]time.Duration, 0, reps)
	l, err := underLoad(pid, func() error {
		for range reps {
			t := time.Now()
			if err := op(); err != nil {
				return err
			}
			lat = append(lat, time.Since(t))
		}
		return nil
	})
	return lat, l, err
}
