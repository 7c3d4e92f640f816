package report

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

var shots = flag.String("shots", "", "keep the headless-Chromium screenshots in this directory")

// chromium finds a Chromium or Chrome binary, or skips the test: go test
// does not install one. CI installs it in .ci/run (see docs/ci.md).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium, chromium-browser or google-chrome on PATH: " +
		"DEBIAN_FRONTEND=noninteractive apt-get install -y chromium to run the headless HTML test")
	return ""
}

// headless runs the browser on url with args and returns its stdout.
func headless(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
		"--user-data-dir=" + t.TempDir()} // a profile of its own: tests may run side by side
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, stderr.Bytes())
	}
	return out
}

// TestHTMLInChromium opens the report in headless Chromium and checks the
// DOM it builds: the lanes, an arrow per trace line, each finding's rule;
// then takes a screenshot, kept with -shots DIR for a person to look at.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	r := controlled(t)
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, HTML(r), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page
	dom := headless(t, bin, "--dump-dom", url)
	if !bytes.Contains(dom, []byte(`id="verdict"`)) {
		t.Fatalf("no report in the DOM:\n%s", dom)
	}
	checkDiagrams(t, string(dom), r)

	shotDir := dir
	if *shots != "" {
		shotDir = *shots
	}
	shot := filepath.Join(shotDir, "report.png")
	headless(t, bin, "--screenshot="+shot, "--window-size=1280,2000", "--hide-scrollbars", url)
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 50_000 {
		t.Fatalf("screenshot %s: %d bytes, %v", shot, len(png), err)
	}
	t.Logf("screenshot: %s", shot)
}
