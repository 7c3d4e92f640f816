package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ndissim/ndissim/fsm"
	"github.com/ndissim/ndissim/rule"
	"github.com/ndissim/ndissim/sim"
)

func newRules() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "the rule catalogue: name, severity, basis, the rule, the NDIS page behind it",
		Long: `The rule catalogue. BASIS says what the severity rests on: must (an English
Microsoft page says must or must not), ddi (a Static Driver Verifier or Driver
Verifier rule), bugcheck (a bug check 0x7C subcode, or memory corruption),
should (a page says should: a warning), or inferred (no page says it; the
reason is listed after the table). "+N" counts further bases; --json lists
them all.`,
		Args: positional(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			if asJSON {
				b, err := rule.JSON()
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(out, "%s\n", b)
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RULE\tSEVERITY\tBASIS\tTHE RULE\tSOURCE")
			var inferred []rule.Rule
			for _, r := range rule.Catalogue {
				p := r.Primary()
				basis := p.Label()
				if n := len(r.Bases) - 1; n > 0 {
					basis += fmt.Sprintf(" (+%d)", n)
				}
				src := "-"
				switch {
				case p.Page.URL != "":
					src = p.Page.URL
				case len(r.Sources) > 0:
					src = r.Sources[0].URL
				}
				if r.Inferred() {
					basis = "inferred (see below)"
					inferred = append(inferred, r)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Severity, basis, r.Summary, src)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if len(inferred) > 0 {
				fmt.Fprintf(out, "\nInferred: no page's must or should, DDI rule or bug check sets the severity of these %d rules; ndissim's reasons:\n", len(inferred))
				for _, r := range inferred {
					fmt.Fprintf(out, "  %s (%s, inferred): %s.\n", r.Name, r.Severity, strings.TrimSuffix(r.Primary().Why, "."))
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the catalogue as a JSON array: name, severity, group, summary, basis, bases, sources")
	return cmd
}

func newDiagram() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "diagram",
		Short: "the binding lifecycle, drawn from the live state machine",
		Args:  positional(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch format {
			case "mermaid":
				fmt.Fprint(cmd.OutOrStdout(), fsm.Mermaid())
			case "dot":
				fmt.Fprint(cmd.OutOrStdout(), fsm.DOT())
			default:
				return inputError{fmt.Errorf("--format %q: expected mermaid or dot", format)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "mermaid", "mermaid or dot")
	return cmd
}

func newValidate() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "parse and validate design files only",
		Args:  positional(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := nonEmpty(args); err != nil {
				return err
			}
			results, err := interruptible(cmd.Context(), func() ([]validated, error) { return validateFiles(args), nil })
			if err != nil {
				return err
			}
			var errs []string
			for _, r := range results {
				if r.err != nil {
					errs = append(errs, r.err.Error())
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok: design %s, protocol %s, stack %s, %d change(s)%s\n",
					r.file, r.d.Name, r.d.Protocol, r.d.Stack, len(r.d.Changes), ruleSettings(r.d.Rules))
			}
			if len(errs) > 0 {
				return inputError{fmt.Errorf("%s", strings.Join(errs, "\nndissim: "))}
			}
			return nil
		},
	}
}

// ruleSettings says how many rules entries a design file has, when it has
// any: validate shows that the section was read.
func ruleSettings(rs []sim.RuleSetting) string {
	if len(rs) == 0 {
		return ""
	}
	return fmt.Sprintf(", %d rule setting(s)", len(rs))
}

// validated is one file's outcome for validate.
type validated struct {
	file string
	d    sim.Design
	err  error
}

// validateFiles reads every file, printing nothing, so that an interruption
// can leave it behind.
func validateFiles(files []string) []validated {
	out := make([]validated, 0, len(files))
	for _, f := range files {
		d, err := readDesign(f)
		out = append(out, validated{file: f, d: d, err: err})
	}
	return out
}

func newDesigns() *cobra.Command {
	return &cobra.Command{
		Use:   "designs",
		Short: "the designs built into ndissim",
		Args:  positional(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "DESIGN\tBREAKS\tWHAT IT IS")
			fmt.Fprintln(tw, "default\t-\tthe embedded default design file: the configurable protocol on e1000 < qos < wfp-lwf, vpn inserted mid-run")
			fmt.Fprintln(tw, "configurable\t-\tthe protocol behind a design file's protocol: section (see docs/design-files.md)")
			for _, g := range sim.GoDesigns() {
				breaks := string(g.Breaks)
				if breaks == "" {
					breaks = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", g.Name, breaks, g.Summary)
			}
			return tw.Flush()
		},
	}
}
