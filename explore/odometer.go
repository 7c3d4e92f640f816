package explore

// odometer enumerates the choice sequences of one move, depth first: each
// run of the move takes the choices it has recorded, then 0 for every new
// draw; next advances the last choice that has an alternative left. Since
// the engine is deterministic, a draw at a position has the same number of
// alternatives whenever the choices before it are the same, so every
// sequence is met exactly once.
type odometer struct {
	choice []int
	n      []int
	pos    int
}

// Choose is sim.Chooser.
func (o *odometer) Choose(n int) int {
	if o.pos < len(o.choice) {
		c := o.choice[o.pos]
		o.n[o.pos] = n
		o.pos++
		return c
	}
	o.choice = append(o.choice, 0)
	o.n = append(o.n, n)
	o.pos++
	return 0
}

// next moves to the next sequence; false when every one has been run.
func (o *odometer) next() bool {
	o.choice, o.n = o.choice[:o.pos], o.n[:o.pos]
	o.pos = 0
	for i := len(o.choice) - 1; i >= 0; i-- {
		if o.choice[i]+1 < o.n[i] {
			o.choice[i]++
			o.choice, o.n = o.choice[:i+1], o.n[:i+1]
			return true
		}
	}
	return false
}

func (o *odometer) reset() { o.choice, o.n, o.pos = o.choice[:0], o.n[:0], 0 }
