package main

import (
	"bytes"
	"encoding/json"
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
	var markdown bool
	cmd := &cobra.Command{
		Use:   "diagram",
		Short: "the binding lifecycle, drawn from the live state machine",
		Args:  positional(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var text string
			switch format {
			case "mermaid":
				text = fsm.Mermaid()
			case "dot":
				text = fsm.DOT()
			default:
				return inputError{fmt.Errorf("--format %q: expected mermaid or dot", format)}
			}
			if markdown {
				text = fence(format, text)
			}
			fmt.Fprint(cmd.OutOrStdout(), text)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "mermaid", "mermaid or dot")
	cmd.Flags().BoolVar(&markdown, "markdown", false, "fence the diagram in a Markdown code block (```mermaid or ```dot)")
	return cmd
}

// fence puts text in a Markdown code block of the language lang.
func fence(lang, text string) string {
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return "```" + lang + "\n" + text + "```\n"
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
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "designs",
		Short: "the designs built into ndissim",
		Args:  positional(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asJSON {
				_, err := cmd.OutOrStdout().Write(designsJSON())
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "DESIGN\tBREAKS\tWHAT IT IS")
			for _, d := range builtIn() {
				breaks := string(d.Breaks)
				if breaks == "" {
					breaks = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Name, breaks, d.Summary)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the designs as a JSON array: name, kind, breaks, summary")
	return cmd
}

// builtInDesign is one line of `ndissim designs`.
type builtInDesign struct {
	Name    string    `json:"name"`
	Kind    string    `json:"kind"`   // embedded, configurable or go
	Breaks  rule.Name `json:"breaks"` // the rule a broken design breaks; "" for a correct one
	Summary string    `json:"summary"`
}

// builtIn lists the designs built into ndissim: the embedded default, the
// configurable protocol, and the registered Go designs in name order.
func builtIn() []builtInDesign {
	out := []builtInDesign{
		{Name: "default", Kind: "embedded", Summary: "the embedded default design file: the configurable protocol on e1000 < qos < wfp-lwf, vpn inserted mid-run"},
		{Name: "configurable", Kind: "configurable", Summary: "the protocol behind a design file's protocol: section (see docs/design-files.md)"},
	}
	for _, g := range sim.GoDesigns() {
		out = append(out, builtInDesign{Name: g.Name, Kind: "go", Breaks: g.Breaks, Summary: g.Summary})
	}
	return out
}

// designsJSON is `designs --json`: an indented JSON array ending in a
// newline.
func designsJSON() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // summaries hold "<"
	enc.SetIndent("", "  ")
	if err := enc.Encode(builtIn()); err != nil {
		panic("designs: " + err.Error()) // strings only
	}
	return b.Bytes()
}
