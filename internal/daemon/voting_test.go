package daemon

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func votes(answers ...string) AskVotes {
	return func(context.Context) map[string]Vote {
		out := map[string]Vote{}
		for i, a := range answers {
			key := string(rune('a' + i))
			if a == "" {
				out[key] = Vote{Err: errors.New("unreachable")}
			} else {
				out[key] = Vote{Master: a}
			}
		}
		return out
	}
}

func TestCheckMasterVote(t *testing.T) {
	ctx := context.Background()
	assert.NoError(t, CheckMasterVote(ctx, "n1", votes("n1", "n1", "n2"), 0))
	assert.ErrorIs(t, CheckMasterVote(ctx, "n1", votes("n1", "n2", "n2"), 0), ErrVoteLost, "lost at once")
	assert.ErrorIs(t, CheckMasterVote(ctx, "n1", votes("n1", "", ""), 0), ErrVoteLost, "no majority after the retries")

	calls := 0
	flaky := func(ctx context.Context) map[string]Vote {
		calls++
		if calls < 3 {
			return votes("n1", "", "")(ctx)
		}
		return votes("n1", "n1", "")(ctx)
	}
	assert.NoError(t, CheckMasterVote(ctx, "n1", flaky, 0))
	assert.Equal(t, 3, calls, "asked again while the silent nodes could decide")
}
