package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Machine describes where the figures were measured.
type Machine struct {
	CPU        string `json:"cpu"`
	CPUs       int    `json:"cpus"`
	Memory     string `json:"memory"`
	Kernel     string `json:"kernel"`
	GoVersion  string `json:"go_version"`
	Disk       string `json:"disk"`
	LoadBefore string `json:"load_before"`
	LoadAfter  string `json:"load_after"`
}

// machineInfo describes this machine and the disk that holds dir; what
// it cannot read stays "unknown".
func machineInfo(dir string) Machine {
	return Machine{
		CPU:        procField("/proc/cpuinfo", "model name"),
		CPUs:       runtime.NumCPU(),
		Memory:     memTotal(),
		Kernel:     strings.TrimSpace(readOr("/proc/sys/kernel/osrelease", "unknown")),
		GoVersion:  runtime.Version(),
		Disk:       diskOf(dir),
		LoadBefore: loadAverage(),
	}
}

// loadAverage is the 1, 5 and 15 minute load average.
func loadAverage() string {
	f := strings.Fields(readOr("/proc/loadavg", ""))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func readOr(path, fallback string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fallback
	}
	return string(data)
}

// procField returns the value of the first "key: value" line of a /proc
// file.
func procField(path, key string) string {
	sc := bufio.NewScanner(bytes.NewReader([]byte(readOr(path, ""))))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func memTotal() string {
	f := strings.Fields(procField("/proc/meminfo", "MemTotal"))
	if len(f) == 0 {
		return "unknown"
	}
	kib, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
}

// diskOf names the file system that holds dir: its type, device and mount
// point, from the longest matching entry of /proc/mounts; in a chroot that
// sees no mount holding dir, the type its statfs gives.
func diskOf(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "unknown"
	}
	best, desc := "", ""
	for line := range strings.Lines(readOr("/proc/mounts", "")) {
		f := strings.Fields(line)
		if len(f) < 3 || !within(abs, f[1]) || len(f[1]) <= len(best) {
			continue
		}
		best, desc = f[1], fmt.Sprintf("%s on %s (mounted at %s)", f[2], f[0], f[1])
	}
	if desc == "" {
		desc = fsType(abs) + " (its mount lies outside this root)"
	}
	return desc
}

// fsTypes name the file systems a benchmark directory may be on, by their
// statfs magic number.
var fsTypes = map[int64]string{
	unix.EXT4_SUPER_MAGIC: "ext2/3/4", unix.XFS_SUPER_MAGIC: "xfs", unix.BTRFS_SUPER_MAGIC: "btrfs",
	unix.TMPFS_MAGIC: "tmpfs", unix.OVERLAYFS_SUPER_MAGIC: "overlay",
}

// fsType names the type of the file system that holds path.
func fsType(path string) string {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return "unknown"
	}
	if name, ok := fsTypes[int64(st.Type)]; ok {
		return name
	}
	return fmt.Sprintf("file system 0x%x", st.Type)
}

// within reports whether path is mount or below it.
func within(path, mount string) bool {
	return mount == "/" || path == mount || strings.HasPrefix(path, mount+"/")
}
