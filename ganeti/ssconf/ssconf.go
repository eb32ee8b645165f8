// Package ssconf reads Ganeti's simple-store files, the one-value-per-file
// copies of configuration facts (ssconf_master_node and friends) that every
// node keeps so tools can answer without the master.
package ssconf

import (
	"fmt"
	"os"
	"strings"

	"github.com/goluxid/goluxid/ganeti/paths"
)

// Read returns the value of ssconf key with trailing white space removed.
func Read(layout *paths.Layout, key string) (string, error) {
	data, err := os.ReadFile(layout.Ssconf(key))
	if err != nil {
		return "", fmt.Errorf("reading ssconf %s: %w", key, err)
	}
	return strings.TrimRight(string(data), " \t\r\n"), nil
}

// MasterNode returns the name of the master node.
func MasterNode(layout *paths.Layout) (string, error) {
	return Read(layout, "master_node")
}
