package examples_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// outside is a driver author's module outside this one (module
// example.com/mydriver, ndissim replaced by this tree): it may import
// ndissim's public packages only, as a real author's module can.
const outside = "../testdata/outside"

// TestOutsideModule builds and tests that module: the public API is enough
// to write a design, check it with properties.Check and run the gopter
// stateful tests. It needs no network: the module's dependencies are this
// module's own, in the module cache.
func TestOutsideModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a second module")
	}
	cmd := exec.Command("go", "test", "-count=1", "./...")
	cmd.Dir = outside
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test ./... in %s: %v\n%s", outside, err, out)
	}
}

// compiledMark precedes a documented Go example that the outside module
// compiles and runs.
const compiledMark = "<!-- compiled in testdata/outside -->"

var goBlock = regexp.MustCompile("(?s)" + regexp.QuoteMeta(compiledMark) + "\\s*```go\\n(.*?)```")

// TestDocumentedExamplesAreCompiled holds the docs to that module: every Go
// example marked as compiled in the README and the driver author's docs
// stands, line for line, in one of its files, and each of those docs has
// at least one.
func TestDocumentedExamplesAreCompiled(t *testing.T) {
	var sources strings.Builder
	files, _ := filepath.Glob(filepath.Join(outside, "*.go"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources.WriteString(normalize(string(data)))
	}
	for _, doc := range []string{"../README.md", "../docs/properties.md", "../docs/designkit.md"} {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		blocks := goBlock.FindAllStringSubmatch(string(data), -1)
		if len(blocks) == 0 {
			t.Errorf("%s marks no Go example %q", doc, compiledMark)
		}
		for _, b := range blocks {
			if !strings.Contains(sources.String(), normalize(b[1])) {
				t.Errorf("%s: this example is not in %s, so nothing compiles it:\n%s", doc, outside, b[1])
			}
		}
	}
}

// normalize folds runs of white space, so that indentation is not compared.
func normalize(s string) string { return strings.Join(strings.Fields(s), " ") + " " }
