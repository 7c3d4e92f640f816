package fsm

import lfsm "github.com/looplab/fsm"

// Mermaid returns the lifecycle as a Mermaid state diagram. looplab draws it
// from a fresh machine, so the start arrow points at Unbound, and sorts the
// edges, so the text is stable enough for golden files.
func Mermaid() string { return visualize(lfsm.MermaidStateDiagram) }

// DOT returns the lifecycle as a Graphviz digraph, with Unbound, the initial
// state, drawn in red by looplab.
func DOT() string { return visualize(lfsm.GRAPHVIZ) }

func visualize(t lfsm.VisualizeType) string {
	s, err := lfsm.VisualizeWithType(newLooplab(nil), t)
	if err != nil {
		// looplab errs only on an unknown type, and ours are constants.
		panic("fsm: " + err.Error())
	}
	return s
}
