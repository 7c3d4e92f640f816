// Command ndissim checks the buffer-management design of an NDIS 6 protocol
// driver against the rule catalogue by seeded, deterministic simulation.
//
// Exit codes: 0 no finding that counts, 1 findings, 2 bad input or usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	_ "github.com/ndissim/ndissim/internal/design" // registers the built-in Go designs
)

// Exit codes, the same for every command.
const (
	exitOK       = 0
	exitFindings = 1
	exitInput    = 2
)

// inputError is bad input or usage: exit 2, nothing run.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// findingsError says the command ran and found something that counts.
type findingsError struct{}

func (findingsError) Error() string { return "findings" }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var fe findingsError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &fe):
		return exitFindings
	default:
		fmt.Fprintln(stderr, "ndissim:", err)
		return exitInput
	}
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "ndissim",
		Short: "check an NDIS 6 protocol driver's NBL/NB buffer management by deterministic simulation",
		Long: `ndissim simulates a protocol binding over a miniport and filter stack, drives it
through bind, pause, restart, stack edits, sends, receives, OID requests and
faults chosen by a seed, and reports every broken rule of its catalogue with a
short trace that replays exactly.

Exit codes: 0 no finding that counts, 1 findings, 2 bad input or usage.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return inputError{err} })
	root.AddCommand(newCheck(), newRun(), newReplay(), newRules(), newDiagram(), newValidate(), newDesigns())
	return root
}

// positional returns a cobra Args check whose failure is a usage error.
func positional(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return inputError{err}
		}
		return nil
	}
}
