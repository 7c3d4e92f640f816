package examples_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Every example design file states, in its header, the command that checks
// it and the verdict and findings to expect:
//
//	# check:    ndissim check examples/NAME.yaml
//	# verdict:  pass | fail
//	# findings: RULE RULE ...   (the rules reported, in any order; empty for none)
//
// TestExamples runs that command with the ndissim built from this tree and
// compares: an example whose annotation no longer tells the truth fails CI.

// header is what an example's comment promises.
type header struct {
	command  string
	verdict  string
	findings []string
}

func readHeader(t *testing.T, path string) header {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var h header
	seen := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		key, val, ok := strings.Cut(strings.TrimPrefix(line, "#"), ":")
		if !strings.HasPrefix(line, "#") || !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch key = strings.TrimSpace(key); key {
		case "check":
			h.command = val
		case "verdict":
			h.verdict = val
		case "findings":
			h.findings = strings.Fields(val)
		default:
			continue
		}
		seen[key] = true
	}
	for _, k := range []string{"check", "verdict", "findings"} {
		if !seen[k] {
			t.Fatalf("%s: no %q line in its header", path, "# "+k+":")
		}
	}
	return h
}

// report is the part of `ndissim check --json` the test reads.
type report struct {
	Designs []struct {
		Findings []struct {
			Rule string `json:"rule"`
		} `json:"findings"`
	} `json:"designs"`
}

func TestExamples(t *testing.T) {
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) < 5 {
		t.Fatalf("want at least five example design files, found %v (%v)", files, err)
	}
	ndissim := build(t)
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			h := readHeader(t, file)
			if want := "ndissim check examples/" + file; h.command != want {
				t.Fatalf("the header's command is %q, want %q", h.command, want)
			}
			cmd := exec.Command(ndissim, "check", file, "--json", "--no-progress", "--out", t.TempDir())
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			verdict := "pass"
			if err := cmd.Run(); err != nil {
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != 1 {
					t.Fatalf("ndissim check %s: %v\n%s", file, err, stderr.String())
				}
				verdict = "fail"
			}
			var rep report
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil || len(rep.Designs) != 1 {
				t.Fatalf("the JSON report of %s: %v\n%s", file, err, stdout.String())
			}
			var got []string
			for _, f := range rep.Designs[0].Findings {
				if !slices.Contains(got, f.Rule) {
					got = append(got, f.Rule)
				}
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(h.findings))
			if verdict != h.verdict || !slices.Equal(got, want) {
				t.Errorf("%s: %s with findings %v; its header says %s with %v", file, verdict, got, h.verdict, want)
			}
		})
	}
}

// build compiles cmd/ndissim from this tree once, as `go run` would.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ndissim")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/ndissim").CombinedOutput()
	if err != nil {
		t.Fatalf("go build ../cmd/ndissim: %v\n%s", err, out)
	}
	return bin
}
