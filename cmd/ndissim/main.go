// Command ndissim checks the buffer-management design of an NDIS 6 protocol
// driver against the rule catalogue by seeded, deterministic simulation.
//
// Exit codes: 0 no finding that counts, 1 findings, 2 bad input or usage,
// 130 or 143 interrupted by SIGINT or SIGTERM before anything that counts
// was found.
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
	exitSIGINT   = 130 // 128 + the signal's number, as shells report it
	exitSIGTERM  = 143
)

// inputError is bad input or usage: exit 2, nothing run.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// findingsError says the command ran and found something that counts.
type findingsError struct{}

func (findingsError) Error() string { return "findings" }

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go watchSignals(sigs, cancel)
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// watchSignals ends the command's context on the first signal, so that it
// stops and reports what it has, and exits at once on the second: a user who
// presses Ctrl-C twice does not want to wait for the report.
func watchSignals(sigs <-chan os.Signal, cancel context.CancelCauseFunc) {
	cancel(signalCause{<-sigs})
	second := <-sigs
	fmt.Fprintln(os.Stderr, "\nndissim: second signal: exiting at once")
	os.Exit(signalCode(second))
}

// signalCause is why a command's context ended: a signal.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string { return "interrupted by " + c.sig.String() }

// signalCode is the exit code for a command stopped by sig.
func signalCode(sig os.Signal) int {
	if sig == syscall.SIGTERM {
		return exitSIGTERM
	}
	return exitSIGINT
}

// run executes one command line and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	root.SetContext(ctx)
	cmd, err := root.ExecuteC()
	var fe findingsError
	var ie interruptedError
	var inc incompleteError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &fe):
		return exitFindings
	case errors.As(err, &inc):
		fmt.Fprintln(stderr, "ndissim:", err)
		return exitSIGINT
	case errors.As(err, &ie):
		fmt.Fprintln(stderr, "ndissim: interrupted")
		var sc signalCause
		if errors.As(context.Cause(ctx), &sc) {
			return signalCode(sc.sig)
		}
		return exitSIGINT
	default:
		fmt.Fprintln(stderr, "ndissim:", err)
		if werr := errorReport(cmd, err, stdout); werr != nil {
			fmt.Fprintln(stderr, "ndissim:", werr)
		}
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

Exit codes: 0 no finding that counts, 1 findings, 2 bad input or usage,
130 (SIGINT) or 143 (SIGTERM) interrupted with nothing that counts found
so far. A second signal exits at once.`,
		Version:       buildVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// The version text is whole lines of its own, not cobra's "ndissim version X".
	root.SetVersionTemplate("{{.Version}}")
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return inputError{err} })
	root.AddCommand(newCheck(), newMerge(), newRun(), newReplay(), newRules(), newDiagram(), newValidate(), newDesigns())
	root.AddCommand(newExplore()) // explore.go
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
