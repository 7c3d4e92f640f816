package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ndissim/ndissim/internal/rule"
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
			ds, err := loadDesigns(args, designs)
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
			res := sim.NewEngine(d).Trace(seed)
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "# %s, seed %d, %d steps\n", d.Name, seed, res.Steps)
			for _, l := range res.Lines {
				fmt.Fprintln(w, l)
			}
			return verdict(w, res.Findings)
		},
	}
	cmd.Flags().Uint64Var(&seed, "seed", sim.DefaultSeed, "the run's seed")
	cmd.Flags().IntVar(&steps, "steps", 0, "environment moves (0: the design's workload.steps)")
	cmd.Flags().StringArrayVar(&designs, "design", nil, "a built-in Go design instead of a FILE")
	return cmd
}

// verdict prints the findings of one run and returns findingsError when
// one of them is an error.
func verdict(w interface{ Write([]byte) (int, error) }, fs []rule.Finding) error {
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
	return &cobra.Command{
		Use:   "replay TRACEFILE",
		Short: "re-execute a saved trace: exit 1 if its finding reproduces, 0 if not",
		Args:  positional(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return inputError{fmt.Errorf("%s: cannot read the trace file: %w", args[0], err)}
			}
			tf, err := sim.ParseTrace(args[0], data)
			if err != nil {
				return inputError{err}
			}
			d, err := designFromOrigin(tf.Origin)
			if err != nil {
				return inputError{fmt.Errorf("%s: %w", args[0], err)}
			}
			if h := sim.DesignHash(d); h != tf.Hash {
				return inputError{fmt.Errorf("%s: the design %s has changed since this trace was recorded (hash %s, now %s); run check again to get a trace of the design as it is", args[0], tf.Origin, tf.Hash, h)}
			}
			res := sim.NewEngine(d).Replay(tf.Stream, true)
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "# replay of %s: design %s, seed %d, expecting %s\n", args[0], tf.Design, tf.Seed, tf.Rule)
			for _, l := range res.Lines {
				fmt.Fprintln(w, l)
			}
			for _, f := range res.Findings {
				if f.Rule == tf.Rule {
					fmt.Fprintf(w, "reproduced: %s\n", f.Error())
					return findingsError{}
				}
			}
			fmt.Fprintf(w, "not reproduced: %s no longer breaks %s\n", tf.Design, tf.Rule)
			return nil
		},
	}
}
