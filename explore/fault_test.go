package explore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
	"github.com/ndissim/ndissim/internal/designfile"
)

// badCopy copies itself whole at the first snapshot but panics when a
// worker restores a state into it: a design's copy that cannot rebuild
// its state.
type badCopy struct{ designkit.Base }

func (p *badCopy) CloneProtocol() binding.Protocol {
	q := *p
	q.Held, q.Copies = nil, nil
	return &q
}

func (p *badCopy) CopyProtocolTo(binding.Protocol) bool { panic("copy out of step") }

// A panic while expanding a state is the exploration's error, naming the
// design and its copy, never a crash of the command.
func TestBrokenCopyIsAnErrorNotACrash(t *testing.T) {
	d := designfile.Default()
	d.Name = "bad-copy"
	d.New = func() binding.Protocol { return &badCopy{designkit.New(designkit.DefaultConfig())} }
	_, err := Explore(context.Background(), d, DefaultOptions())
	require.ErrorContains(t, err, `design "bad-copy": a state could not be expanded (copy out of step)`)
	require.ErrorContains(t, err, "Options.Replay")
}
