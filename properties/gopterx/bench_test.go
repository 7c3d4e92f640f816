package gopterx

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"

	"github.com/ndissim/ndissim/properties"
	"github.com/ndissim/ndissim/sim"
)

// The benchmarks compare, in one run, Check (the sim engine with the
// invariants as its observer, then the engine's shrinking, the traced
// replay and the saved trace file) against a plain gopter commands harness
// written the straightforward way: commands.Prop over Commands, default
// shrinking, the same invariants in the postconditions. The comparison is
// like for like: the same designs and bugs; every gopter case as long as
// an engine run (MinSize = MaxSize = the workload's steps); the same
// stopping condition (the first failing run or case is shrunk and
// reported, after at most searchRuns passing ones); one worker on each
// side. gopter is also timed without shrinking (its time to the first
// failing case) and with its default sizes (0..99, 100 cases), and paired
// alternates check and gopter-commands iteration by iteration, for a ratio
// that a shared machine's changing load affects least. Run them with
//
//	go test ./properties/gopterx/ -run '^$' -bench . -benchmem
//
// The other sub-benchmarks report their time as a multiple of check's
// (x-check-time, x-check-ns/move): run the check sub-benchmark with them.

// searchRuns is how many runs (cases) each side makes at most.
const searchRuns = 10_000

// benchT is the testing.TB Check reports to in a benchmark: failures are
// the expected outcome, recorded, not fatal.
type benchT struct {
	testing.TB
	failed bool
	moves  int // of the shrunk trace
}

func (t *benchT) Helper()             {}
func (t *benchT) Logf(string, ...any) {}
func (t *benchT) Fatalf(format string, args ...any) {
	t.failed = true
	msg := fmt.Sprintf(format, args...)
	if i := strings.Index(msg, "\ntrace ("); i >= 0 {
		fmt.Sscanf(msg[i:], "\ntrace (%d moves", &t.moves)
	}
}

// checkPath runs Check on d from seed with runs and reports whether it
// failed. dir must be fresh, or saved traces would be replayed first.
func checkPath(tb testing.TB, d sim.Design, seed uint64, runs int, dir string) (failed bool, shrunk int) {
	t := &benchT{TB: tb}
	properties.Check(t, d, properties.Options{Runs: runs, Seed: seed, Workers: 1, FailDir: dir})
	return t.failed, t.moves
}

// fair is the gopter parameters matching the engine's runs of d: every
// case as long as a run, up to runs cases, one worker.
func fair(d sim.Design, seed int64, runs int) *gopter.TestParameters {
	p := gopter.DefaultTestParametersWithSeed(seed)
	p.MinSuccessfulTests = runs
	p.MinSize, p.MaxSize = d.Workload.Steps, d.Workload.Steps
	p.Workers = 1
	return p
}

// defaults is gopter's default parameters (100 cases of sizes 0..99).
func defaults(_ sim.Design, seed int64, _ int) *gopter.TestParameters {
	return gopter.DefaultTestParametersWithSeed(seed)
}

// gopterPath runs the plain gopter harness on d with p and reports whether
// it failed, and the length of the shrunk sequence it reported.
func gopterPath(d sim.Design, p *gopter.TestParameters) (failed bool, shrunk int) {
	props := gopter.NewProperties(p)
	var last *gopter.PropArg
	props.Property("invariants", func(gp *gopter.GenParameters) *gopter.PropResult {
		r := commands.Prop(Commands(d))(gp)
		if !r.Success() && len(r.Args) > 0 {
			last = r.Args[0]
		}
		return r
	})
	ok := props.Run(gopter.NewFormatedReporter(false, 80, io.Discard))
	if !ok && last != nil {
		shrunk = countCommands(fmt.Sprint(last.Arg))
	}
	return !ok, shrunk
}

// gopterFirstFailure runs the harness until its first failing case, which
// it does not shrink, and reports whether one failed.
func gopterFirstFailure(tb testing.TB, d sim.Design, p *gopter.TestParameters) bool {
	res := commands.Prop(newCommands(d, true)).Check(p)
	switch {
	case res.Status == gopter.TestError && strings.Contains(res.Error.Error(), errFound.Error()):
		return true
	case res.Status != gopter.TestPassed:
		tb.Fatalf("gopter: %v %v", res.Status, res.Error)
	}
	return false
}

// propertyPath runs Property (1-minimal shrinking) the same way.
func propertyPath(d sim.Design, p *gopter.TestParameters) (failed bool, shrunk int) {
	res := Property(d).Check(p)
	if res.Status == gopter.TestFailed {
		return true, len(res.Args[0].Arg.(Case).Steps)
	}
	return false, 0
}

// countCommands counts the commands in gopter's printed actions.
func countCommands(s string) int {
	i := len(s) - 1
	for i >= 0 && s[i] != '[' {
		i--
	}
	if i < 0 || i+1 >= len(s)-1 {
		return 0
	}
	n := 1
	depth := 0
	for _, ch := range s[i+1 : len(s)-1] {
		switch ch {
		case '(', '{':
			depth++
		case ')', '}':
			depth--
		case ' ':
			if depth == 0 {
				n++
			}
		}
	}
	return n
}

func benchFind(b *testing.B, d sim.Design) {
	var checkNs float64
	relative := func(b *testing.B) {
		if checkNs > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/checkNs, "x-check-time")
		}
	}
	b.Run("check", func(b *testing.B) {
		tmp := b.TempDir()
		found, steps := 0, 0
		for i := range b.N {
			if f, n := checkPath(b, d, uint64(i)*searchRuns+1, searchRuns, filepath.Join(tmp, fmt.Sprint(i))); f {
				found++
				steps += n
			}
		}
		report(b, found, steps)
		checkNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("engine-search-only", func(b *testing.B) {
		e := sim.NewEngine(d)
		e.SetObserver(properties.CheckInvariants)
		found := 0
		for i := range b.N {
			seed := uint64(i)*searchRuns + 1
			for r := range searchRuns {
				if res := e.Run(seed + uint64(r)); res.Observed != nil || res.Err() != nil {
					found++
					break
				}
			}
		}
		report(b, found, 0)
		relative(b)
	})
	gopterRun := func(name string, params func(sim.Design, int64, int) *gopter.TestParameters) {
		b.Run(name, func(b *testing.B) {
			found, steps := 0, 0
			for i := range b.N {
				if f, n := gopterPath(d, params(d, int64(i)+1, searchRuns)); f {
					found++
					steps += n
				}
			}
			report(b, found, steps)
			relative(b)
		})
	}
	gopterRun("gopter-commands", fair)
	// paired alternates check and gopter-commands on the same iteration
	// index, so that both meet the same load on a shared machine, and
	// reports each one's mean time and the ratio of their sums.
	b.Run("paired", func(b *testing.B) {
		tmp := b.TempDir()
		var checkTime, gopterTime time.Duration
		found := 0
		for i := range b.N {
			t0 := time.Now()
			f1, _ := checkPath(b, d, uint64(i)*searchRuns+1, searchRuns, filepath.Join(tmp, fmt.Sprint(i)))
			t1 := time.Now()
			f2, _ := gopterPath(d, fair(d, int64(i)+1, searchRuns))
			checkTime += t1.Sub(t0)
			gopterTime += time.Since(t1)
			if f1 && f2 {
				found++
			}
		}
		b.ReportMetric(float64(found)/float64(b.N), "found/op")
		b.ReportMetric(float64(checkTime.Microseconds())/1000/float64(b.N), "check-ms")
		b.ReportMetric(float64(gopterTime.Microseconds())/1000/float64(b.N), "gopter-ms")
		b.ReportMetric(float64(gopterTime)/float64(checkTime), "x-check-time")
	})
	b.Run("gopter-commands-no-shrink", func(b *testing.B) {
		found := 0
		for i := range b.N {
			if gopterFirstFailure(b, d, fair(d, int64(i)+1, searchRuns)) {
				found++
			}
		}
		report(b, found, 0)
		relative(b)
	})
	gopterRun("gopter-commands-default-sizes", defaults)
	b.Run("property-1-minimal", func(b *testing.B) {
		found, steps := 0, 0
		for i := range b.N {
			if f, n := propertyPath(d, fair(d, int64(i)+1, searchRuns)); f {
				found++
				steps += n
			}
		}
		report(b, found, steps)
		relative(b)
	})
}

// report adds how often the bug was found and how short its shrunk
// sequence was, in moves.
func report(b *testing.B, found, moves int) {
	b.ReportMetric(float64(found)/float64(b.N), "found/op")
	if found > 0 && moves > 0 {
		b.ReportMetric(float64(moves)/float64(found), "shrunk-moves")
	}
}

// BenchmarkFindBug is the time to a reported failure (search, shrink,
// traced replay, saved trace file) on a design whose bug shows in almost
// every run.
func BenchmarkFindBug(b *testing.B) { benchFind(b, simpleDesign("pause-early", pauseEarly)) }

// BenchmarkFindRareBug is the same on a bug that needs a send to complete
// with a failure status (2% of completions).
func BenchmarkFindRareBug(b *testing.B) {
	benchFind(b, simpleDesign("leak-failed-send", leakFailedSend))
}

// BenchmarkPassingRuns is 100 passing runs of ndisprot: 100 engine runs of
// its workload (200 moves each) against 100 gopter cases (0..99 commands).
func BenchmarkPassingRuns(b *testing.B) {
	d := ndisprot(b)
	const runs = 100
	var perMove [2]float64
	b.Run("check", func(b *testing.B) {
		tmp := b.TempDir()
		for i := range b.N {
			if f, _ := checkPath(b, d, 1, runs, filepath.Join(tmp, fmt.Sprint(i))); f {
				b.Fatal("ndisprot failed")
			}
		}
		moves := float64(runs * d.Workload.Steps)
		b.ReportMetric(moves, "moves/op")
		perMove[0] = float64(b.Elapsed().Nanoseconds()) / float64(b.N) / moves
		b.ReportMetric(perMove[0], "ns/move")
	})
	b.Run("gopter-commands", func(b *testing.B) {
		for range b.N {
			if f, _ := gopterPath(d, defaults(d, 1, runs)); f {
				b.Fatal("ndisprot failed")
			}
		}
		moves := float64(runs * (runs - 1) / 2) // sizes 0..99
		b.ReportMetric(moves, "moves/op")
		perMove[1] = float64(b.Elapsed().Nanoseconds()) / float64(b.N) / moves
		b.ReportMetric(perMove[1], "ns/move")
		b.ReportMetric(perMove[1]/perMove[0], "x-check-ns/move")
	})
}
