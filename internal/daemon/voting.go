package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Master voting, as Ganeti's master daemons do it before they serve: every
// node of the configuration is asked which node is the master.
const (
	VotingRetries  = 6
	VotingInterval = 10 * time.Second
)

// Vote is one node's answer: the master it names, or the error asking it.
type Vote struct {
	Master string
	Err    error
}

// AskVotes asks every node for the master; the map has one entry per node.
type AskVotes func(ctx context.Context) map[string]Vote

// ErrVoteLost means the other nodes do not agree that this node is the
// master.
var ErrVoteLost = errors.New("master voting failed")

// CheckMasterVote wins when more than half of the nodes name me. When the
// nodes that did not answer could still make a majority it asks again,
// up to VotingRetries times, VotingInterval apart; otherwise it fails at
// once.
func CheckMasterVote(ctx context.Context, me string, ask AskVotes, interval time.Duration) error {
	for attempt := 0; ; attempt++ {
		votes := ask(ctx)
		mine, unknown := 0, 0
		for _, v := range votes {
			switch {
			case v.Err != nil:
				unknown++
			case v.Master == me:
				mine++
			}
		}
		n := len(votes)
		switch {
		case 2*mine > n:
			return nil
		case 2*(mine+unknown) <= n:
			return fmt.Errorf("%w: %d of %d nodes name %s as the master", ErrVoteLost, mine, n, me)
		case attempt >= VotingRetries:
			return fmt.Errorf("%w: only %d of %d nodes answered for %s after %d tries", ErrVoteLost, mine, n, me, attempt+1)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(interval):
		}
	}
}
