package sim

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ndissim/ndissim/binding"
	"github.com/ndissim/ndissim/designkit"
)

// missesRare is a design whose copy misses a field that only a rare run
// changes.
type missesRare struct {
	designkit.Base
	rare int
}

func (p *missesRare) CloneProtocol() binding.Protocol { q := *p; return &q }

func (p *missesRare) CopyProtocolTo(dst binding.Protocol) bool {
	q, ok := dst.(*missesRare)
	if ok {
		q.Base = p.Base // rare forgotten
	}
	return ok
}

// Past the first resets, every reset whose number is a power of two is
// still compared with the pristine instance: a field the copy misses and
// only the 11th run changes ends the reuse at the 16th reset.
func TestARareLeakEndsTheReuseAtTheNextPowerOfTwo(t *testing.T) {
	made := 0
	f := &instances{make: func() binding.Protocol {
		made++
		return &missesRare{Base: designkit.New(designkit.DefaultConfig())}
	}}
	var p binding.Protocol
	for run := 1; run <= 16; run++ {
		p = f.next() // the reset numbered run-1 starts run
		require.False(t, f.distrust, "run %d", run)
		if run == 11 {
			p.(*missesRare).rare = 1
		}
	}
	require.Equal(t, 1, p.(*missesRare).rare, "runs 12 to 16 carry the leak: the resets 11 to 15 are not compared")
	p = f.next() // reset 16
	require.True(t, f.distrust)
	require.Equal(t, 0, p.(*missesRare).rare, "a new instance")
	before := made
	f.next()
	require.Equal(t, before+1, made, "a new instance for every run from then on")
}

func TestVerifiedResets(t *testing.T) {
	var got []int
	for n := 1; n <= 70; n++ {
		if verified(n) {
			got = append(got, n)
		}
	}
	require.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64}, got)
}
