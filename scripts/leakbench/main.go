// Command leakbench measures goroutinelint on the Go runtime's own
// goroutine-leak tests: the GoKer kernels and the micro and pattern cases
// of $GOROOT/src/runtime/testdata/testgoroutineleakprofile, whose leaked
// goroutines runtime/goroutineleakprofile_test.go lists as regexps.
//
//	go run ./scripts/leakbench              # every case, as many runs as the runtime test makes
//	go run ./scripts/leakbench -n 2 -v      # two runs per case; every regexp's outcome
//	go run ./scripts/leakbench -update      # add new unlisted findings to the triage table as todo
//	go run ./scripts/leakbench -v Grpc660 Moby33781  # some cases only
//
// Run it from the repository root. It
//  1. copies the test program as a module into the cache (-cache) and builds
//     its two programs (the directory and goker/) with
//     GOEXPERIMENT=goroutineleakprofile, once per Go version;
//  2. reads the cases and their expected and flaky regexps from the runtime
//     test's source (go/ast), and runs each case as that test does
//     (GODEBUG=asyncpreemptoff=1, GOMAXPROCS=1 for its simple cases), -n
//     times; from each run's debug=2 goroutineleak profile it takes every
//     leaked goroutine's wait reason, entry function, blocked frame (the
//     topmost frame in the program) and go statement;
//  3. builds goroutinelint from the tree and runs it with default flags and
//     -json on the copy;
//  4. scores each listed regexp, the unit. Observed (a run showed a
//     goroutine it matches): FOUND when a finding of the matching check
//     (unguardedsend for a send, noexit for any other wait) is at the
//     goroutine's blocked line, or at its go statement with the blocked
//     line as a related location. Not observed by any run: found by name
//     when a finding of the matching check is in the function the regexp
//     names, or at a go statement (or with one related) starting it;
//  5. prints, per category (the wait reason), the regexps listed, observed,
//     found among the observed, and found among all listed (observed ones
//     by position, the others by name);
//  6. lists the findings on goroutines the test does not list (matched to
//     no regexp by position or name) with their verdict in the triage table
//     (scripts/leakbench/triage.tsv), and exits 1 when one is untriaged,
//     unless -update, which writes the table with new rows as todo.
//
// The heavy integration test runs it with few repetitions and checks the
// found counts against scripts/leakbench/floor.tsv (-write-floor writes it).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// options are the command's flags.
type options struct {
	reps, parallel      int
	timeout             time.Duration
	cache, lint, triage string
	update, verbose     bool
	jsonOut, writeFloor string
	goroot, goVersion   string
	only                []string // the cases to run; all when empty
}

// main parses the flags and runs the benchmark.
func main() {
	log.SetFlags(0)
	log.SetPrefix("leakbench: ")
	var o options
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	flag.IntVar(&o.reps, "n", 0, "runs per case (0: as many as the runtime test makes, 3 or 11)")
	flag.IntVar(&o.parallel, "p", runtime.NumCPU(), "runs at a time")
	flag.DurationVar(&o.timeout, "timeout", time.Minute, "limit for one run of a case")
	flag.StringVar(&o.cache, "cache", filepath.Join(cache, "goroutinelint", "leakbench"), "where the built test program is kept")
	flag.StringVar(&o.lint, "lint", "", "goroutinelint binary to measure (default: build it from the tree)")
	flag.StringVar(&o.triage, "triage", filepath.Join("scripts", "leakbench", "triage.tsv"), "the triage table")
	flag.BoolVar(&o.update, "update", false, "write the triage table: add new unlisted findings as todo, drop vanished ones")
	flag.BoolVar(&o.verbose, "v", false, "print every regexp's outcome")
	flag.StringVar(&o.jsonOut, "json", "", "also write the results as JSON to this file")
	flag.StringVar(&o.writeFloor, "write-floor", "", "write the found counts per category to this floor file")
	flag.Parse()
	o.only = flag.Args()
	code, err := run(o)
	if err != nil {
		log.Fatal(err)
	}
	os.Exit(code)
}

// logf prints progress on stderr.
func logf(format string, args ...any) { log.Printf(format, args...) }

// run runs the benchmark and returns the exit code.
func run(o options) (int, error) {
	if err := goEnvVars(&o); err != nil {
		return 0, err
	}
	src, err := os.ReadFile(filepath.Join(o.goroot, "src", filepath.FromSlash(testFile)))
	if err != nil {
		return 0, err
	}
	cases, err := parseCases(src)
	if err != nil {
		return 0, err
	}
	all := cases
	if len(o.only) > 0 {
		if o.update {
			return 0, fmt.Errorf("-update needs every case: name none")
		}
		cases = slices.DeleteFunc(slices.Clone(cases), func(tc *testCase) bool { return !slices.Contains(o.only, tc.Name) })
		if len(cases) == 0 {
			return 0, fmt.Errorf("no case named %s", strings.Join(o.only, ", "))
		}
	}
	prog, err := prepare(o.cache, o.goroot, o.goVersion)
	if err != nil {
		return 0, err
	}
	bin := o.lint
	if bin == "" {
		tmp, err := os.MkdirTemp("", "leakbench")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(tmp)
		bin = filepath.Join(tmp, "goroutinelint")
		if out, err := exec.Command("go", "build", "-o", bin, "github.com/goroutinelint/goroutinelint/cmd/goroutinelint").CombinedOutput(); err != nil {
			return 0, fmt.Errorf("building goroutinelint (run from the repository): %v\n%s", err, out)
		}
	}
	logf("linting the copy")
	fs, err := lint(bin, prog.dir)
	if err != nil {
		return 0, err
	}
	idx, err := nameFindings(prog.dir, fs)
	if err != nil {
		return 0, err
	}
	logf("running %d cases", len(cases))
	runs := runCases(prog, cases, o.reps, o.parallel, o.timeout)
	res := scoreAll(runs, fs)
	res.listByName(all, fs)
	res.NamesChecked, res.NamesWrong = idx.checkNames(runs)
	return report(o, res)
}

// goEnvVars fills in GOROOT and the Go version from the go command.
func goEnvVars(o *options) error {
	out, err := exec.Command("go", "env", "GOROOT", "GOVERSION").Output()
	if err != nil {
		return fmt.Errorf("go env: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return fmt.Errorf("go env GOROOT GOVERSION: %q", out)
	}
	o.goroot, o.goVersion = lines[0], lines[1]
	return nil
}

// summary is the -json output.
type summary struct {
	GoVersion string      `json:"go_version"`
	Reps      int         `json:"reps"` // 0: as the runtime test
	Rows      []row       `json:"rows"`
	Scores    []scoreJSON `json:"scores"`
	Findings  int         `json:"findings"`
	Untriaged []finding   `json:"untriaged"`
	False     []triageRow `json:"false"`
	True      int         `json:"true"`
	Failures  []string    `json:"failures"`
	// NamesChecked and NamesWrong: go statements whose static entry name
	// was compared with the runtime's, and those that differ.
	NamesChecked int      `json:"names_checked"`
	NamesWrong   []string `json:"names_wrong"`
}

// scoreJSON is one regexp's outcome in the -json output.
type scoreJSON struct {
	Case     string `json:"case"`
	Regexp   string `json:"regexp"`
	Category string `json:"category"`
	Flaky    bool   `json:"flaky"`
	Observed bool   `json:"observed"`
	Found    bool   `json:"found"`
	FoundAll bool   `json:"found_all"`
	// Goroutines are the leaked goroutines it matched, as
	// "reason blocked-at created-at".
	Goroutines []string `json:"goroutines,omitempty"`
}

// report prints the tables and the unlisted findings, writes the outputs
// the flags ask for, and returns the exit code.
func report(o options, res *result) (int, error) {
	rows, err := readTriage(o.triage)
	if err != nil {
		return 0, err
	}
	table := res.table()
	if o.verbose {
		printScores(os.Stdout, res.Scores)
		fmt.Println()
		printFindings(os.Stdout, res, rows)
		fmt.Println()
	}
	printTable(os.Stdout, table)
	untriaged, falses, trues := unlisted(res, rows)
	fmt.Printf("\n%d findings: %d on listed goroutines; unlisted: %d true, %d false, %d untriaged\n",
		len(res.Findings), len(res.Listed), trues, len(falses), len(untriaged))
	for _, r := range falses {
		fmt.Printf("false: %s\t%s\t%s\n", r.Pos, r.Check, r.Message)
	}
	for _, f := range untriaged {
		fmt.Printf("untriaged: %s\t%s\t%s\n", f.Pos, f.Check, f.Message)
	}
	for _, f := range res.Failures {
		fmt.Printf("failed run: %s\n", f)
	}
	fmt.Printf("static names: %d of %d go statements that leaked agree with the runtime's entry frames\n",
		res.NamesChecked-len(res.NamesWrong), res.NamesChecked)
	for _, w := range res.NamesWrong {
		fmt.Printf("static name differs: %s\n", w)
	}
	if o.jsonOut != "" {
		s := summary{GoVersion: o.goVersion, Reps: o.reps, Rows: table, Findings: len(res.Findings),
			Untriaged: untriaged, False: falses, True: trues, Failures: res.Failures,
			NamesChecked: res.NamesChecked, NamesWrong: res.NamesWrong}
		for _, sc := range res.Scores {
			j := scoreJSON{sc.Leak.Case.Name, sc.Leak.Source, sc.Leak.Category(),
				sc.Leak.Flaky, sc.Observed, sc.Found, sc.FoundAll, nil}
			for _, g := range sc.Goroutines {
				j.Goroutines = append(j.Goroutines, g.Reason+" "+g.Blocked+" "+g.Created)
			}
			s.Scores = append(s.Scores, j)
		}
		data, err := json.MarshalIndent(s, "", "\t")
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(o.jsonOut, data, 0o644); err != nil {
			return 0, err
		}
	}
	if o.writeFloor != "" {
		if err := writeFloor(o.writeFloor, table, len(falses)); err != nil {
			return 0, err
		}
	}
	if o.update {
		return 0, writeTriage(o.triage, rows, res)
	}
	if len(untriaged) > 0 {
		fmt.Printf("untriaged findings: add them to %s (-update adds them as todo)\n", o.triage)
		return 1, nil
	}
	return 0, nil
}

// writeFloor writes the per-category found counts (among all listed) as
// the floor the heavy test holds the engine to, and the number of findings
// triaged false as the ceiling it holds them to.
func writeFloor(path string, rows []row, falseFindings int) error {
	var b strings.Builder
	b.WriteString("# Floor of the leak benchmark (scripts/leakbench): per category, the listed regexps\n")
	b.WriteString("# found (observed ones at their blocked line, the others by name). The heavy test fails below it,\n")
	b.WriteString("# and above the last line's number of findings triaged false (a ceiling, lowered as they go).\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s\t%d\n", r.Category, r.FoundAll)
	}
	fmt.Fprintf(&b, "false findings (at most)\t%d\n", falseFindings)
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
