package fsm

// Snapshot is the machine's state, for the bounded explorer, which copies
// a simulated state at a move boundary and restores it to expand it.
func (m *Machine) Snapshot() State { return m.state }

// Restore puts the machine back in s, a state Snapshot returned, without
// running any callback: nothing happens, the machine only is where it was.
func (m *Machine) Restore(s State) {
	m.mustNotBeHeld("Restore")
	if m.f != nil {
		m.f.SetState(string(s))
	}
	m.state = s
}
