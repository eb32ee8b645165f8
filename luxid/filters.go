package luxid

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/wconfd"
	"github.com/goluxid/goluxid/jqscheduler"
	"github.com/goluxid/goluxid/jqueue"
)

// queryFilters answers QueryFilters [uuids|null, fields]: plain rows,
// requested uuids in request order.
func (d *Dispatcher) queryFilters(c *call) (any, error) {
	var uuids []string
	var fields []string
	if err := decodeArgs(c.args, &uuids, &fields); err != nil {
		return nil, err
	}
	return d.runClassic(c, "filter", uuids, fields, false)
}

// replaceFilter answers ReplaceFilter [uuid|null, priority, predicates,
// action, reason]: the rule is stored in the configuration through WConfd
// with the queue's serial as its watermark; the answer is its uuid.
func (d *Dispatcher) replaceFilter(c *call) (any, error) {
	a, err := jqscheduler.ParseReplaceFilter(c.args, d.deps.RegexpDialect)
	var pe *jqscheduler.ParseError
	if errors.As(err, &pe) {
		return nil, convertError(c.args, pe.Msg)
	}
	if err != nil {
		return nil, convertError(c.args, err.Error())
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	uuid, err := d.filterUUID(a)
	if err != nil {
		return nil, err
	}
	err = d.changeFilters(c.ctx, func(filters map[string]json.RawMessage) error {
		rule := a.Rule(uuid, d.deps.Queue.Serial(), jqueue.TimestampOf(time.Now()))
		data, err := json.Marshal(rule)
		if err != nil {
			return err
		}
		filters[uuid] = data
		return nil
	})
	if err != nil {
		return nil, err
	}
	return uuid, nil
}

// filterUUID is the given uuid, checked, or a new one from the kernel.
func (d *Dispatcher) filterUUID(a *jqscheduler.ReplaceFilter) (string, error) {
	if a.UUID != nil {
		if err := jqscheduler.CheckUUID(*a.UUID); err != nil {
			return "", gerrors.Generic("%v", err)
		}
		return *a.UUID, nil
	}
	data, err := os.ReadFile("/proc/sys/kernel/random/uuid")
	if err != nil {
		return "", gerrors.Generic("creating a filter uuid: %v", err)
	}
	return strings.TrimSpace(string(data)), nil
}

// deleteFilter answers DeleteFilter [uuid].
func (d *Dispatcher) deleteFilter(c *call) (any, error) {
	var uuid string
	if err := decodeArgs(c.args, &uuid); err != nil {
		return nil, err
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	err := d.changeFilters(c.ctx, func(filters map[string]json.RawMessage) error {
		if _, ok := filters[uuid]; !ok {
			return gerrors.Generic("Filter rule with UUID %s does not exist", uuid)
		}
		delete(filters, uuid)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nil, nil
}

// clientSeq numbers the daemon's WConfd client ids, one per request.
var clientSeq atomic.Uint64

// changeFilters changes the "filters" object of the configuration under
// WConfd's lock, leaving everything else as WConfd handed it over. WConfd
// has written config.data when it answers the write, so the file is loaded
// before the change is answered: the client's next query sees it, without
// waiting for the file watch.
func (d *Dispatcher) changeFilters(ctx context.Context, change func(map[string]json.RawMessage) error) error {
	if err := d.writeFilters(ctx, change); err != nil {
		return err
	}
	// A file that does not load is logged by the watch, which keeps the
	// last good configuration as it does for any reload.
	_, _ = d.deps.Config.Reload()
	return nil
}

// writeFilters has WConfd write the configuration with changed filters.
func (d *Dispatcher) writeFilters(ctx context.Context, change func(map[string]json.RawMessage) error) error {
	if d.deps.WConfd == nil {
		return gerrors.Generic("no WConfd to change the configuration through")
	}
	cid := wconfd.ClientID{
		Identifier: fmt.Sprintf("luxid-request %d", clientSeq.Add(1)),
		Livelock:   d.deps.OwnLivelock,
		Pid:        os.Getpid(),
	}
	return d.deps.WConfd.ChangeConfig(ctx, cid, func(cfg map[string]json.RawMessage) error {
		filters := map[string]json.RawMessage{}
		if raw, ok := cfg["filters"]; ok && string(raw) != "null" {
			if err := json.Unmarshal(raw, &filters); err != nil {
				return gerrors.Generic("the configuration's filters do not decode: %v", err)
			}
		}
		if err := change(filters); err != nil {
			return err
		}
		data, err := json.Marshal(filters)
		if err != nil {
			return err
		}
		cfg["filters"] = data
		return nil
	})
}
