package sim_test

import (
	"reflect"
	"testing"

	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

// FuzzParseTrace: any bytes give a trace or a *TraceError, never a panic.
func FuzzParseTrace(f *testing.F) {
	f.Add(sim.TraceFile{Version: sim.Version, Design: "d", Origin: "o", Hash: "h", Rule: rule.DoubleFree,
		Stream: []uint32{1, 2, 3}, Lines: []string{"    1  NDIS  x"}}.Marshal())
	f.Add([]byte("# ndissim trace v1\nstream: 1 2 x\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		tf, err := sim.ParseTrace("fuzz.trace", data)
		if err != nil {
			return
		}
		again, err := sim.ParseTrace("fuzz.trace", tf.Marshal())
		if err != nil {
			t.Fatalf("a parsed trace does not parse again: %v", err)
		}
		if !reflect.DeepEqual(again, tf) {
			t.Fatalf("round trip changed the trace:\n got %+v\nwant %+v", again, tf)
		}
	})
}

// FuzzEngine: fuzz bytes become the choice stream of a run of a correct and
// of a broken design. Whatever the choices, ndissim must not panic, a
// correct design must draw no error, and a replay must give the same result.
func FuzzEngine(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0, 9, 9, 9, 9, 200, 17, 3})
	f.Add([]byte("bind restart write pause unbind"))
	good, bad := sim.NewEngine(demo(f)), sim.NewEngine(broken(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		stream := make([]uint32, len(data))
		for i, b := range data {
			stream[i] = uint32(b) * 37 // spread one byte over the larger choices
		}
		r := good.Replay(stream, false)
		if e := r.Err(); e != nil {
			t.Fatalf("the correct design drew %v", e)
		}
		b1 := bad.Replay(stream, false)
		b2 := bad.Replay(stream, false)
		if !reflect.DeepEqual(b1, b2) {
			t.Fatalf("replay is not deterministic:\n first %+v\nsecond %+v", b1, b2)
		}
	})
}
