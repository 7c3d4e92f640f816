package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ndissim/ndissim/internal/report"
	"github.com/ndissim/ndissim/rule"
)

// The report formats, as --format names them.
const (
	formatText  = "text"
	formatJSON  = "json"
	formatSARIF = "sarif"
	formatJUnit = "junit"
	formatHTML  = "html"
)

// writers render a report in each format but text, which is printed as the
// check goes.
var writers = map[string]func(report.Report) []byte{
	formatJSON: report.JSON, formatSARIF: report.SARIF, formatJUnit: report.JUnit, formatHTML: report.HTML,
}

// reportFlags are the flags of check and merge that decide what counts
// and where the report goes.
type reportFlags struct {
	format  string
	json    bool
	strict  bool
	failOn  string
	enable  []string
	disable []string
	sarif   string
	junit   string
	html    string
	full    bool // --coverage
}

func (f *reportFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&f.format, "format", formatText, "the report on stdout, `FORMAT` text, json, sarif, junit or html (docs/report.md)")
	fl.BoolVar(&f.json, "json", false, "print the JSON report on stdout: --format json")
	fl.StringVar(&f.failOn, "fail-on", "", "the least `SEVERITY` that fails the check: error (the default) or warning")
	fl.BoolVar(&f.strict, "strict", false, "warnings fail the check too: --fail-on warning")
	fl.StringArrayVar(&f.enable, "enable", nil, "undo a design's rules: silence of `RULE` (repeatable, or RULE,RULE)")
	fl.StringArrayVar(&f.disable, "disable", nil, "silence `RULE` for this command (repeatable, or RULE,RULE)")
	fl.StringVar(&f.sarif, "sarif", "", "also write the SARIF 2.1.0 report to `FILE`")
	fl.StringVar(&f.junit, "junit", "", "also write the JUnit XML report to `FILE`")
	fl.StringVar(&f.html, "html", "", "also write the self-contained HTML report to `FILE`")
	fl.BoolVar(&f.full, "coverage", false, "the text report shows each design's whole coverage: every (state, move) pair never exercised and what each rule never armed needs")
}

// outFile is a report file a flag asks for.
type outFile struct {
	flag   string // "--sarif"
	path   string
	format string
}

// outputs are the report flags read and checked: the format on stdout,
// the files, and the policy.
type outputs struct {
	stdout string
	files  []outFile
	policy report.Policy
	full   bool // the text report's whole coverage table
}

// resolve checks the report flags, naming the flag and what it expects,
// before anything runs. Every problem is reported, one per line.
func (f reportFlags) resolve() (outputs, error) {
	var errs []string
	o := outputs{stdout: f.format, full: f.full}
	if _, ok := writers[f.format]; !ok && f.format != formatText {
		errs = append(errs, fmt.Sprintf("--format %q: expected text, json, sarif, junit or html", f.format))
	}
	if f.json {
		if f.format != formatText && f.format != formatJSON {
			errs = append(errs, fmt.Sprintf("--json is --format json; it contradicts --format %s", f.format))
		}
		o.stdout = formatJSON
	}
	failOn, err := report.FailOn(f.failOn, f.strict)
	if err != nil {
		errs = append(errs, err.Error())
	}
	enable, e1 := ruleList("--enable", f.enable)
	disable, e2 := ruleList("--disable", f.disable)
	errs = append(append(errs, e1...), e2...)
	o.policy = report.Policy{FailOn: failOn, Enable: enable, Disable: disable}
	if err := o.policy.Validate(); err != nil {
		errs = append(errs, strings.Split(err.Error(), "\n")...)
	}
	files, e3 := reportFiles(f)
	o.files = files
	errs = append(errs, e3...)
	if len(errs) > 0 {
		return outputs{}, inputError{errors.New(strings.Join(errs, "\nndissim: "))}
	}
	return o, nil
}

// ruleList reads a repeatable rule flag whose values may also be
// comma-separated lists; an empty name is an error.
func ruleList(flag string, values []string) ([]rule.Name, []string) {
	var out []rule.Name
	var errs []string
	for _, v := range values {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			switch {
			case name == "":
				errs = append(errs, fmt.Sprintf("%s %q: an empty rule name; expected RULE or RULE,RULE as `ndissim rules` lists them", flag, v))
			case !slices.Contains(out, rule.Name(name)):
				out = append(out, rule.Name(name))
			}
		}
	}
	return out, errs
}

// reportFiles are the files asked for, each path given once.
func reportFiles(f reportFlags) ([]outFile, []string) {
	var out []outFile
	var errs []string
	for _, c := range []outFile{{"--sarif", f.sarif, formatSARIF}, {"--junit", f.junit, formatJUnit}, {"--html", f.html, formatHTML}} {
		if c.path == "" {
			continue
		}
		for _, prev := range out {
			if filepath.Clean(prev.path) == filepath.Clean(c.path) {
				errs = append(errs, fmt.Sprintf("%s %s: the same file as %s; expected a file of its own", c.flag, c.path, prev.flag))
			}
		}
		out = append(out, c)
	}
	return out, errs
}

// prepare makes sure every report file can be written before the check
// runs, rather than after it, when the report would be lost: its directory
// is created, and a file is written there and removed.
func (o outputs) prepare() error {
	for _, f := range o.files {
		if err := writable(f); err != nil {
			return inputError{err}
		}
	}
	return nil
}

func writable(f outFile) error {
	if st, err := os.Stat(f.path); err == nil && st.IsDir() {
		return fmt.Errorf("%s %s: a directory; expected the path of the %s file to write", f.flag, f.path, f.format)
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fmt.Errorf("%s %s: cannot create its directory: %w", f.flag, f.path, err)
	}
	probe, err := os.CreateTemp(dir, ".ndissim-probe-*.tmp")
	if err != nil {
		return fmt.Errorf("%s %s: cannot write there: %w", f.flag, f.path, err)
	}
	cerr := probe.Close()
	os.Remove(probe.Name())
	if cerr != nil {
		return fmt.Errorf("%s %s: cannot write there: %w", f.flag, f.path, cerr)
	}
	return nil
}

// emit writes the report files and, unless stdout is text (printed as the
// check went), the report on stdout.
func (o outputs) emit(stdout io.Writer, r report.Report) error {
	for _, f := range o.files {
		if err := writeReportFile(f, r); err != nil {
			return err
		}
	}
	if o.stdout == formatText {
		return nil
	}
	_, err := stdout.Write(writers[o.stdout](r))
	return err
}

// writeReportFile writes one report file atomically: a reader never sees
// half a report, and a failed write leaves the old file.
func writeReportFile(f outFile, r report.Report) error {
	if err := atomicWrite(f.path, writers[f.format](r)); err != nil {
		return fmt.Errorf("%s %s: cannot write the report: %w", f.flag, f.path, err)
	}
	return nil
}

// tool names this build in a report.
func tool() report.Tool {
	return report.Tool{Version: moduleVersion(), Engine: engineVersion()}
}

// errorReport reports an input error in the formats the command line asked
// for, as far as it was read: the JSON error object on stdout for --json
// or --format json (and the SARIF, JUnit or HTML error report for those
// formats), and the same in each report file. Nothing ran, so the reports
// hold only the error. Text on stdout gets nothing: stderr has the error.
func errorReport(cmd *cobra.Command, err error, stdout io.Writer) error {
	if cmd == nil {
		return nil
	}
	r := report.Report{Tool: tool(), Error: report.ErrorOf(err)}
	if format := stdoutFormat(cmd); format != formatText {
		if _, werr := stdout.Write(writers[format](r)); werr != nil {
			return werr
		}
	}
	var errs []error
	for _, f := range []outFile{{"--sarif", "", formatSARIF}, {"--junit", "", formatJUnit}, {"--html", "", formatHTML}} {
		if f.path = flagValue(cmd, strings.TrimPrefix(f.flag, "--")); f.path != "" {
			if writable(f) == nil {
				errs = append(errs, writeReportFile(f, r))
			}
		}
	}
	return errors.Join(errs...)
}

// stdoutFormat is the report format a command's flags ask for on stdout,
// text when none or not a report format: a --json bool (every command that
// has one prints JSON), or check's and merge's --format.
func stdoutFormat(cmd *cobra.Command) string {
	if flagValue(cmd, "json") == "true" {
		return formatJSON
	}
	if cmd.Name() == "check" || cmd.Name() == "merge" {
		if f := flagValue(cmd, "format"); writers[f] != nil {
			return f
		}
	}
	return formatText
}

// flagValue is a flag's value as given, "" for a flag the command lacks.
func flagValue(cmd *cobra.Command, name string) string {
	if f := cmd.Flags().Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}
