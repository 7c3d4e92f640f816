package explore

// odometer enumerates the choice sequences of one move, depth first: each
// run of the move takes the choices it has recorded, then 0 for every new
// draw; next advances the last choice that has an alternative left. Since
// the engine is deterministic, a draw at a position has the same number of
// alternatives whenever the choices before it are the same, so every
// sequence is met exactly once.
type odometer struct {
	dial []dial // one per draw of the sequence
	pos  int
}

// dial is one draw: the choice taken and how many alternatives it had.
type dial struct{ choice, n int }

// Choose is sim.Chooser.
func (o *odometer) Choose(n int) int {
	if o.pos < len(o.dial) {
		d := &o.dial[o.pos]
		d.n = n
		o.pos++
		return d.choice
	}
	o.dial = append(o.dial, dial{0, n})
	o.pos++
	return 0
}

// next moves to the next sequence; false when every one has been run.
func (o *odometer) next() bool {
	o.dial = o.dial[:o.pos]
	o.pos = 0
	for i := len(o.dial) - 1; i >= 0; i-- {
		if d := &o.dial[i]; d.choice+1 < d.n {
			d.choice++
			o.dial = o.dial[:i+1]
			return true
		}
	}
	return false
}

func (o *odometer) reset() { o.dial, o.pos = o.dial[:0], 0 }
