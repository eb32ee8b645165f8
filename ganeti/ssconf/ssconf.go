// Package ssconf reads Ganeti's simple-store files, the one-value-per-file
// copies of configuration facts (ssconf_master_node and friends) that every
// node keeps so tools can answer without the master.
package ssconf

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/ganeti/paths"
)

// Address families as Ganeti stores them in ssconf_primary_ip_family.
const (
	FamilyIPv4 = 2
	FamilyIPv6 = 10
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

// PrimaryIPFamily returns the cluster's address family, IPv4 when the file
// is missing or unreadable.
func PrimaryIPFamily(layout *paths.Layout) int {
	v, err := Read(layout, "primary_ip_family")
	if err != nil {
		return FamilyIPv4
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return FamilyIPv4
	}
	return n
}
