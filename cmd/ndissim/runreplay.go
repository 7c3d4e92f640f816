package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ndissim/ndissim/internal/report"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

func newRun() *cobra.Command {
	var seed uint64
	var steps int
	var designs []string
	cmd := &cobra.Command{
		Use:   "run [FILE] --seed N",
		Short: "one run of a design, printing every step of its trace",
		Args:  positional(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if steps < 0 || steps > sim.MaxSteps {
				return inputError{&sim.OptionError{Option: "steps", Value: fmt.Sprint(steps),
					Want: fmt.Sprintf("0 (the design's workload.steps) to %d, the bound of workload.steps", sim.MaxSteps)}}
			}
			ds, err := loadDesigns(cmd.Context(), args, designs)
			if err != nil {
				return err
			}
			if len(ds) != 1 {
				return inputError{fmt.Errorf("run takes one design: a FILE or one --design")}
			}
			d := ds[0]
			if steps > 0 {
				d.Workload.Steps = steps
			}
			res, err := interruptible(cmd.Context(), func() (sim.Result, error) { return sim.NewEngine(d).Trace(seed), nil })
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "# %s, seed %d, %d steps\n", d.Name, seed, res.Steps)
			for _, l := range res.Lines {
				fmt.Fprintln(w, l)
			}
			return verdict(w, res.Findings)
		},
	}
	cmd.Flags().Uint64Var(&seed, "seed", sim.DefaultSeed, "the run's seed")
	cmd.Flags().IntVar(&steps, "steps", 0, fmt.Sprintf("environment moves, at most %d (0: the design's workload.steps)", sim.MaxSteps))
	cmd.Flags().StringArrayVar(&designs, "design", nil, "a built-in Go design instead of a FILE")
	return cmd
}

// verdict prints the findings of one run and returns findingsError when
// one of them is an error.
func verdict(w io.Writer, fs []rule.Finding) error {
	failed := false
	for _, f := range fs {
		fmt.Fprintf(w, "finding: %s\n", f.Error())
		failed = failed || f.Severity == rule.Error
	}
	if len(fs) == 0 {
		fmt.Fprintln(w, "no findings")
	}
	if failed {
		return findingsError{}
	}
	return nil
}

func newReplay() *cobra.Command {
	var format string
	var markdown bool
	cmd := &cobra.Command{
		Use:   "replay TRACEFILE [DESIGNFILE]",
		Short: "re-execute a saved trace: exit 1 if its rule still breaks, 0 if not",
		Long: `replay re-executes the moves a trace recorded on the design it names (a design
file inside the trace's directory, the embedded default or a built-in Go
design), or on DESIGNFILE when given. It exits 1 when the trace's rule still
breaks, 0 when it no longer does, and 2 when the trace is damaged, edited,
from another version of ndissim, or names no design it may read. When the
design has changed since the trace was recorded, it says so, and a 0 means
the design is fixed on these moves: run check again for the rest.

--format mermaid prints the replayed run as a Mermaid sequence diagram, what
replay says as %% comments in it; --markdown fences it in a mermaid code
block, to paste into a pull request or an issue.`,
		Args: positional(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := replayFormat(format, markdown); err != nil {
				return err
			}
			if err := nonEmpty(args); err != nil {
				return err
			}
			designPath := ""
			if len(args) == 2 {
				designPath = args[1]
			}
			r, err := interruptible(cmd.Context(), func() (replayed, error) { return replayTrace(args[0], designPath) })
			if err != nil {
				return err
			}
			if format == "mermaid" {
				return r.printMermaid(cmd.OutOrStdout(), args[0], markdown)
			}
			return r.print(cmd.OutOrStdout(), args[0])
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text, or mermaid: the run as a Mermaid sequenceDiagram")
	cmd.Flags().BoolVar(&markdown, "markdown", false, "with --format mermaid, fence the diagram in a ```mermaid block")
	return cmd
}

// replayFormat checks replay's --format and --markdown.
func replayFormat(format string, markdown bool) error {
	switch {
	case format != "text" && format != "mermaid":
		return inputError{fmt.Errorf("--format %q: expected text or mermaid", format)}
	case markdown && format != "mermaid":
		return inputError{fmt.Errorf("--markdown fences a Mermaid diagram; expected it with --format mermaid")}
	}
	return nil
}

// replayed is a trace replayed on a design, ready to print.
type replayed struct {
	tf      sim.TraceFile
	d       sim.Design
	changed bool
	res     sim.Result
}

// replayTrace reads a trace and its design and replays it; it prints
// nothing, so that an interruption can leave it behind.
func replayTrace(tracePath, designPath string) (replayed, error) {
	tf, err := sim.ReadTrace(tracePath)
	if err != nil {
		return replayed{}, inputError{err}
	}
	if err := tf.CheckVersion(tracePath); err != nil {
		return replayed{}, inputError{err}
	}
	d, err := designOfTrace(tracePath, tf, designPath)
	if err != nil {
		return replayed{}, inputError{err}
	}
	r := replayed{tf: tf, d: d, changed: sim.DesignHash(d) != tf.Hash}
	r.res = sim.NewEngine(d).ReplayMoves(tf.Stream, tf.Moves, true)
	return r, nil
}

// print shows the replay and says plainly which case holds.
func (r replayed) print(w io.Writer, tracePath string) error {
	for _, h := range r.header(tracePath) {
		fmt.Fprintf(w, "# %s\n", h)
	}
	for _, l := range r.res.Lines {
		fmt.Fprintln(w, l)
	}
	msg, err := r.outcome()
	fmt.Fprintln(w, msg)
	return err
}

// printMermaid shows the replay as a Mermaid sequence diagram, what print
// says around the trace as Mermaid comments.
func (r replayed) printMermaid(w io.Writer, tracePath string, markdown bool) error {
	if markdown {
		fmt.Fprintln(w, "```mermaid")
	}
	msg, err := r.outcome()
	lines := append(r.header(tracePath), msg)
	diagram := report.Mermaid(r.res.Lines)
	head, body, _ := strings.Cut(diagram, "\n")
	fmt.Fprintln(w, head)
	for _, l := range lines {
		fmt.Fprintf(w, "    %%%% %s\n", strings.ReplaceAll(l, "\n", " "))
	}
	fmt.Fprint(w, body)
	if markdown {
		fmt.Fprintln(w, "```")
	}
	return err
}

// header is what replay says before the trace: what it replays, and how
// the design differs from the one the trace was recorded on.
func (r replayed) header(tracePath string) []string {
	out := []string{fmt.Sprintf("replay of %s: design %s, seed %d, expecting %s", tracePath, r.d.Name, r.tf.Seed, r.tf.Rule)}
	if r.tf.Design != r.d.Name {
		out = append(out, fmt.Sprintf("note: the trace was recorded on a design named %q", r.tf.Design))
	}
	if r.changed {
		out = append(out, "the design has changed since this trace was recorded: replaying the recorded moves on the design as it is now")
	}
	return out
}

// outcome says which case holds, and returns findingsError when the
// trace's rule still breaks.
func (r replayed) outcome() (string, error) {
	for _, f := range r.res.Findings {
		if f.Rule != r.tf.Rule {
			continue
		}
		if r.changed {
			return fmt.Sprintf("still broken: the changed design breaks %s on these moves: %s", r.tf.Rule, f.Error()), findingsError{}
		}
		return "reproduced: " + f.Error(), findingsError{}
	}
	if r.changed {
		return fmt.Sprintf("fixed on these moves: the design as it is now does not break %s on the moves this trace recorded; run check again for the rest", r.tf.Rule), nil
	}
	return fmt.Sprintf("not reproduced: %s no longer breaks %s on these moves; run check again for the rest", r.d.Name, r.tf.Rule), nil
}
