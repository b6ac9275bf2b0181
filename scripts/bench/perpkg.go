package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// With -perpkg the benchmark times each package run of go vet, the issue's
// bound that no package costs more than perPkgLimit times its floor:
// floor and goroutinelint-vet (and, with -base, goroutinelint-vet-base, an
// earlier binary) run through scripts/bench/vetwrap, which records the
// user+sys CPU (rusage) of every vet-tool process, one per package.
const (
	// perPkgLimit is the bound: goroutinelint's CPU on one package over
	// the floor's.
	perPkgLimit = 3.0
	// minFloor is the least floor a ratio is taken over: a package whose
	// floor is smaller (a process that starts, reads a little export data
	// and exits) is timed against minFloor instead, since a few
	// milliseconds more or less of such a run are noise, not analysis.
	minFloor = 50 * time.Millisecond
	// perPkgWorst is how many of each module's worst packages the report
	// lists.
	perPkgWorst = 5
)

// A pkgRun is one package run of a vet tool, as vetwrap records it.
type pkgRun struct {
	pkgKey
	cpu time.Duration
}

// A pkgKey names a package run: the go command's package ID, which is the
// same for a package with internal tests vetted (its test variant) and
// analysed as a dependency for its facts only (VetxOnly), so that both
// together tell the two runs apart.
type pkgKey struct {
	id       string
	vetxOnly bool
}

// parsePkgRuns reads vetwrap's lines.
func parsePkgRuns(r io.Reader) ([]pkgRun, error) {
	var out []pkgRun
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("line %d: %d fields, want 5", n, len(f))
		}
		vetxOnly, err1 := strconv.ParseBool(f[1])
		user, err2 := strconv.ParseFloat(f[2], 64)
		sys, err3 := strconv.ParseFloat(f[3], 64)
		if err := cmp.Or(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		cpu := time.Duration((user + sys) * float64(time.Second))
		out = append(out, pkgRun{pkgKey{f[0], vetxOnly}, cpu})
	}
	return out, sc.Err()
}

// A pkgRow is one package of a module: the medians over the rounds of its
// CPU under each tool, and goroutinelint's ratio to the floor.
type pkgRow struct {
	pkgKey
	floor, lint, base time.Duration // base: 0 when not measured
	ratio, baseRatio  float64
}

// pkgRows returns the packages both the floor and goroutinelint ran on,
// given each tool's runs by round, worst ratio first. A package's CPU is
// the median over the rounds that ran it; when a round ran it more than
// once (it does not), the runs add up.
func pkgRows(floor, lint, base [][]pkgRun) []pkgRow {
	mf, ml, mb := pkgMedians(floor), pkgMedians(lint), pkgMedians(base)
	var rows []pkgRow
	for k, f := range mf {
		l, ok := ml[k]
		if !ok {
			continue // not run by both
		}
		row := pkgRow{pkgKey: k, floor: f, lint: l, ratio: pkgRatio(l, f)}
		if b, ok := mb[k]; ok {
			row.base, row.baseRatio = b, pkgRatio(b, f)
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b pkgRow) int {
		return cmp.Or(cmp.Compare(b.ratio, a.ratio), strings.Compare(a.id, b.id))
	})
	return rows
}

// pkgMedians returns, per package run, the median CPU over the rounds
// that ran it.
func pkgMedians(rounds [][]pkgRun) map[pkgKey]time.Duration {
	all := map[pkgKey][]time.Duration{}
	for _, runs := range rounds {
		sum := map[pkgKey]time.Duration{}
		for _, r := range runs {
			sum[r.pkgKey] += r.cpu
		}
		for k, cpu := range sum {
			all[k] = append(all[k], cpu)
		}
	}
	out := map[pkgKey]time.Duration{}
	for k, cpus := range all {
		out[k] = median(cpus)
	}
	return out
}

// pkgRatio returns a package's CPU over its floor's, the floor taken as
// at least minFloor.
func pkgRatio(cpu, floor time.Duration) float64 {
	return cpu.Seconds() / max(floor, minFloor).Seconds()
}

// perPkgFile is where vetwrap writes the package runs of one run.
func (b *bench) perPkgFile(module, tool string, round int) string {
	return filepath.Join(b.opts.out, "perpkg", fmt.Sprintf("%s.%s.%d.tsv", module, tool, round))
}

// perPkgRounds reads a tool's package runs on a module in the timed rounds.
func (b *bench) perPkgRounds(module, tool string) ([][]pkgRun, error) {
	var rounds [][]pkgRun
	for round := 1; round <= b.opts.rounds; round++ {
		f, err := os.Open(b.perPkgFile(module, tool, round))
		if os.IsNotExist(err) {
			continue // the run failed before any package
		}
		if err != nil {
			return nil, err
		}
		runs, err := parsePkgRuns(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f.Name(), err)
		}
		rounds = append(rounds, runs)
	}
	return rounds, nil
}

// perPkgReport renders the per-package tables of the modules measured.
func (b *bench) perPkgReport(modules []string) (string, error) {
	var s strings.Builder
	withBase := slices.Contains(b.opts.tools, toolVetBase)
	fmt.Fprintf(&s, "\nPer package (go vet -vettool through scripts/bench/vetwrap: each package run's user+sys CPU from rusage, median over the rounds;\n")
	fmt.Fprintf(&s, "ratio = goroutinelint / max(floor, %v): a floor under %v of CPU is noise and is timed as %v; bound %.0fx):\n\n", minFloor, minFloor, minFloor, perPkgLimit)
	head := "| module | rounds | vetted packages | over %.0fx | worst package | floor CPU s | goroutinelint CPU s | ratio |"
	sep := "|---|--:|--:|--:|---|--:|--:|--:|"
	if withBase {
		head += " base ratio | worst base ratio |"
		sep += "--:|--:|"
	}
	fmt.Fprintf(&s, head+"\n"+sep+"\n", perPkgLimit)
	detail := map[string][]pkgRow{}
	var deps []string
	for _, m := range modules {
		rounds := map[string][][]pkgRun{}
		for _, t := range []string{toolFloor, toolVetLint, toolVetBase} {
			r, err := b.perPkgRounds(m, t)
			if err != nil {
				return "", err
			}
			rounds[t] = r
		}
		var vetted []pkgRow
		var worstDep *pkgRow
		for _, row := range pkgRows(rounds[toolFloor], rounds[toolVetLint], rounds[toolVetBase]) {
			if !row.vetxOnly {
				vetted = append(vetted, row)
			} else if worstDep == nil {
				worstDep = &row
			}
		}
		if worstDep != nil {
			deps = append(deps, fmt.Sprintf("%s %s %.2f", m, worstDep.id, worstDep.ratio))
		}
		if len(vetted) == 0 {
			fmt.Fprintf(&s, "| %s | %d | 0 | - | - | - | - | - |\n", m, len(rounds[toolVetLint]))
			continue
		}
		over := 0
		worstBase := 0.0
		for _, r := range vetted {
			if r.ratio > perPkgLimit {
				over++
			}
			worstBase = max(worstBase, r.baseRatio)
		}
		w := vetted[0]
		fmt.Fprintf(&s, "| %s | %d | %d | %d | %s | %.3f | %.3f | %.2f |", m, min(len(rounds[toolFloor]), len(rounds[toolVetLint])), len(vetted), over, w.id, w.floor.Seconds(), w.lint.Seconds(), w.ratio)
		if withBase {
			fmt.Fprintf(&s, " %.2f | %.2f |", w.baseRatio, worstBase)
		}
		s.WriteString("\n")
		detail[m] = vetted[:min(perPkgWorst, len(vetted))]
	}
	fmt.Fprintf(&s, "\nWorst %d vetted packages per module (floor CPU s, goroutinelint CPU s, ratio", perPkgWorst)
	if withBase {
		s.WriteString("; base CPU s, base ratio")
	}
	s.WriteString("):\n\n")
	for _, m := range modules {
		for _, r := range detail[m] {
			fmt.Fprintf(&s, "- %s %s: %.3f, %.3f, %.2f", m, r.id, r.floor.Seconds(), r.lint.Seconds(), r.ratio)
			if withBase {
				fmt.Fprintf(&s, "; %.3f, %.2f", r.base.Seconds(), r.baseRatio)
			}
			s.WriteString("\n")
		}
	}
	if len(deps) > 0 {
		fmt.Fprintf(&s, "\nWorst dependency (facts only) per module: %s\n", strings.Join(deps, "; "))
	}
	if lo, hi, ok := loadRange(b.runs); ok {
		fmt.Fprintf(&s, "\nLoad average (1 min) at the timed runs' starts: %.1f to %.1f\n", lo, hi)
	}
	return s.String(), nil
}

// loadRange returns the least and the largest 1-minute load average at
// the starts of runs.
func loadRange(runs []run) (lo, hi float64, ok bool) {
	for _, r := range runs {
		v, err := strconv.ParseFloat(r.load1, 64)
		if err != nil {
			continue // "?"
		}
		if !ok {
			lo, hi, ok = v, v, true
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi, ok
}

// perPkgReportOnly renders the per-package report of the results directory
// opts.report, written by an earlier -perpkg run, complete or not: the
// modules and tools whose files are there, the load averages its
// runs.tsv recorded.
func perPkgReportOnly(opts options) (string, error) {
	opts.out = opts.report
	b := &bench{opts: opts}
	b.opts.tools = []string{toolFloor, toolVetLint}
	if m, _ := filepath.Glob(filepath.Join(opts.report, "perpkg", "*."+toolVetBase+".*.tsv")); len(m) > 0 {
		b.opts.tools = append(b.opts.tools, toolVetBase)
	}
	var names []string
	for _, m := range selectedModules(opts.modules) {
		if f, _ := filepath.Glob(filepath.Join(opts.report, "perpkg", m.Name+"."+toolVetLint+".*.tsv")); len(f) > 0 {
			names = append(names, m.Name)
		}
	}
	if data, err := os.ReadFile(filepath.Join(opts.report, "runs.tsv")); err == nil {
		for line := range strings.Lines(string(data)) {
			if f := strings.Split(line, "\t"); len(f) > 5 && f[0] != "module" {
				b.runs = append(b.runs, run{load1: f[5]})
			}
		}
	}
	return b.perPkgReport(names)
}
