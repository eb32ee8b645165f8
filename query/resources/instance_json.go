package resources

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/goluxid/goluxid/ganeti/objects"
)

// instObjectMembers splits a node's JSON answer into its members, in
// order, keeping repeated keys.
func instObjectMembers(data []byte) ([]objects.Member, error) {
	return objects.Members(data)
}

// parseInstInfo reads {"memory","state","vcpus","time"} (valid JSON):
// each an integer, the state 0 (running) or 1 (shut down); other keys
// are ignored.
func parseInstInfo(data json.RawMessage) (*instInfo, error) {
	members, err := objects.Members(data)
	if err != nil {
		return nil, err
	}
	info := &instInfo{}
	var found uint8
	for _, m := range members {
		var dst *int
		var bit uint8
		switch m.Key {
		case "memory":
			dst, bit = &info.Memory, 1
		case "state":
			dst, bit = &info.State, 2
		case "vcpus":
			dst, bit = &info.VCPUs, 4
		case "time":
			dst, bit = &info.Time, 8
		default:
			continue
		}
		if c := m.Value[0]; c != '-' && (c < '0' || c > '9') {
			return nil, fmt.Errorf("instance info: %s is not a number", m.Key)
		}
		v, err := instReadInt(json.Number(m.Value))
		if err != nil {
			return nil, err
		}
		*dst, found = v, found|bit
	}
	if found != 15 {
		return nil, errors.New("instance info: missing key")
	}
	if info.State != instStateRunning && info.State != instStateShutdown {
		return nil, fmt.Errorf("instance info: unknown state %d", info.State)
	}
	return info, nil
}
