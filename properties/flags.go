package properties

import (
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/ndissim/ndissim/sim"
)

// The flags and environment variables that override a check's seed and
// budget, so that CI can turn a failure's seed into a one-run reproduction.
const (
	SeedFlag = "ndissim.seed"
	RunsFlag = "ndissim.runs"
	SeedEnv  = "NDISSIM_SEED"
	RunsEnv  = "NDISSIM_RUNS"
)

func init() { registerFlags(flag.CommandLine) }

// registerFlags adds the flags to fs unless something already did: another
// package may share the names, and registering twice would panic.
func registerFlags(fs *flag.FlagSet) {
	if fs.Lookup(SeedFlag) == nil {
		fs.Uint64(SeedFlag, 0, "ndissim: first seed of properties.Check (overrides "+SeedEnv+" and Options.Seed)")
	}
	if fs.Lookup(RunsFlag) == nil {
		fs.Int(RunsFlag, 0, "ndissim: runs of properties.Check (overrides "+RunsEnv+" and Options.Runs)")
	}
}

// setFlag returns the value of a flag given on the command line.
func setFlag(fs *flag.FlagSet, name string) (string, bool) {
	if !fs.Parsed() {
		return "", false
	}
	var v string
	var set bool
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			v, set = f.Value.String(), true
		}
	})
	return v, set
}

// budget is the seed and runs of a check: flags win, then the environment,
// then Options, then sim's defaults.
func budget(fs *flag.FlagSet, getenv func(string) string, opt Options) (seed uint64, runs int, err error) {
	seed, runs = sim.DefaultSeed, sim.DefaultRuns
	if opt.Seed != 0 {
		seed = opt.Seed
	}
	if opt.Runs > 0 {
		runs = opt.Runs
	}
	pick := func(flagName, env string, set func(string) error) error {
		if v, ok := setFlag(fs, flagName); ok {
			if err := set(v); err != nil {
				return fmt.Errorf("-%s=%s: %w", flagName, v, err)
			}
			return nil
		}
		if v := getenv(env); v != "" {
			if err := set(v); err != nil {
				return fmt.Errorf("%s=%s: %w", env, v, err)
			}
		}
		return nil
	}
	err = pick(SeedFlag, SeedEnv, func(v string) error {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fmt.Errorf("expected an unsigned integer")
		}
		seed = s
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	err = pick(RunsFlag, RunsEnv, func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("expected a positive integer")
		}
		runs = n
		return nil
	})
	return seed, runs, err
}

func defaultBudget(opt Options) (uint64, int, error) {
	return budget(flag.CommandLine, os.Getenv, opt)
}
