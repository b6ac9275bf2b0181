package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/unitchecker"
	"golang.org/x/tools/go/packages"

	"github.com/goroutinelint/goroutinelint/analyzer"
)

// progName names the command in messages.
const progName = "goroutinelint"

// Exit codes of a standalone run. Under go vet and go fix the go command
// decides its own exit code from the tool's output.
//
//	0  no findings; with -fix, every finding was fixed
//	1  findings, also with -json and -sarif; with -fix, a finding left unfixed (it
//	   has no fix, or its fix conflicts with another); with -fix -diff,
//	   also a non-empty diff
//	2  usage error; packages that fail to load or type-check (nothing is
//	   analyzed then); a pass that fails; a file that -fix cannot read or
//	   write; an internal error (a panic)
const (
	exitClean    = 0
	exitFindings = 1
	exitError    = 2
)

// main hands a call from the go command to unitchecker and runs
// everything else standalone.
func main() {
	args := os.Args[1:]
	if isVetCall(args) {
		os.Exit(runVetTool())
	}
	if isGoplsName(os.Args[0]) {
		os.Exit(runAsGopls(args, os.Stdin, os.Stdout, os.Stderr))
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", progName, err)
		os.Exit(exitError)
	}
	os.Exit(run(args, os.Stdout, os.Stderr, cwd))
}

// isVetCall reports whether args come from the go command running a vet or
// fix tool: the -V=full or -flags handshake, or flags followed by a single
// *.cfg file describing one package. Flags are skipped as the standalone
// flag set would parse them, so a flag value is never taken for the file.
func isVetCall(args []string) bool {
	fs := newCommand(io.Discard, io.Discard, "").flags
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return isConfigFile(args[i+1:])
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			return isConfigFile(args[i:])
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch {
		case name == "flags", name == "V" && value == "full":
			return true // the go command's handshake
		case hasValue:
			continue // -name=value
		case name == "c":
			i++ // unitchecker's -c N, which the standalone driver lacks
		default:
			if f := fs.Lookup(name); f != nil && !isBoolFlag(f) {
				i++ // -name value
			}
		}
	}
	return false
}

// isConfigFile reports whether operands is a single vet config file.
func isConfigFile(operands []string) bool {
	return len(operands) == 1 && strings.HasSuffix(operands[0], ".cfg")
}

// isBoolFlag reports whether f may stand without a value.
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// runVetTool hands the call to unitchecker, which parses the flags itself
// (-V=full, -flags, -json, -fix, -diff, -<pass>, -<pass>.<flag>), analyzes
// the package the config describes and exits.
func runVetTool() (code int) {
	defer recoverInternal(os.Stderr, &code)
	args, done, err := driverVetCall(os.Args[1:], os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", progName, err)
		return exitError
	}
	if done {
		return exitClean // answered for the standalone driver
	}
	os.Args = append(os.Args[:1], args...)
	analyzers := analyzer.All(analyzer.DefaultConfig())
	switch cfg := readVetConfig(os.Args[1:]); {
	case cfg.isStdDependency():
		if cfg.writeStdVetx() {
			return exitClean
		}
		analyzers = analyzer.ForStdDependency(analyzer.DefaultConfig())
	case cfg != nil && cfg.VetxOnly:
		analyzers = analyzer.ForDependency(analyzer.DefaultConfig())
	}
	guardRuns(analyzers, os.Stderr)
	unitchecker.Main(analyzers...)
	return exitClean // not reached: Main exits
}

// run is a standalone run with args (without the program name); it
// returns the exit code.
func run(args []string, stdout, stderr io.Writer, cwd string) (code int) {
	defer recoverInternal(stderr, &code)
	c := newCommand(stdout, stderr, cwd)
	if len(args) > 0 && args[0] == "help" {
		return c.help(args[1:])
	}
	if len(args) > 0 && args[0] == "lsp" {
		return runLSP(args[1:], os.Stdin, stdout, stderr)
	}
	if err := c.flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.usage(stdout)
			return exitClean
		}
		// The flag package has printed the error.
		fmt.Fprintf(stderr, "run '%s help' for usage\n", progName)
		return exitError
	}
	if c.version {
		c.printVersion()
		return exitClean
	}
	if msg := c.checkFlags(); msg != "" {
		fmt.Fprintf(stderr, "%s: %s\nrun '%s help' for usage\n", progName, msg, progName)
		return exitError
	}
	if c.flags.NArg() == 0 {
		c.usage(stderr)
		return exitError
	}
	return c.analyze(c.flags.Args())
}

// checkFlags returns what is wrong with the combination of flags, or "".
func (c *command) checkFlags() string {
	switch {
	case c.diff && !c.fix:
		return "-diff requires -fix"
	case c.json && c.sarif:
		return "-json and -sarif cannot be used together"
	case c.json && c.fix:
		return "-json and -fix cannot be used together"
	case c.sarif && c.fix:
		return "-sarif and -fix cannot be used together"
	case c.profile != "" && c.fix:
		return "-profile and -fix cannot be used together"
	case c.driver != driverVet && c.driver != driverPackage:
		return fmt.Sprintf("-driver=%s: want %s or %s", c.driver, driverVet, driverPackage)
	}
	return ""
}

// analyze loads the packages matching patterns, runs the selected passes
// and prints, or fixes, what they find.
func (c *command) analyze(patterns []string) int {
	if c.profile != "" {
		var ok bool
		if c.prof, ok = c.loadProfile(); !ok {
			return exitError // before the analysis: it would be for nothing
		}
	}
	switch {
	case c.wholeProgram || c.prof != nil:
		// below
	case c.driver == driverVet:
		return c.analyzeVet(patterns)
	default:
		return c.analyzePackages(patterns)
	}
	// -profile joins the findings with the syntax and types of the
	// source, which only the in-process driver holds.
	return c.analyzeProgram(patterns)
}

// analyzeProgram is the whole-program driver (-whole-program): it loads
// every package with syntax and analyzes them in this process, with
// nothing cached between runs. Memory grows with the whole program.
func (c *command) analyzeProgram(patterns []string) int {
	analyzers, pkgs, findings, ok := c.check(patterns)
	if !ok {
		return exitError
	}
	return c.output(analyzers, pkgs, findings)
}

// check loads the packages matching patterns and runs the selected
// passes on them in this process. It prints why it fails.
func (c *command) check(patterns []string) ([]*analysis.Analyzer, []*packages.Package, []finding, bool) {
	analyzers := c.selected()
	guardRuns(analyzers, c.stderr)
	pkgs, ok := c.load(patterns, analyzers)
	if !ok {
		return nil, nil, nil, false
	}
	graph, err := checker.Analyze(analyzers, pkgs, nil)
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: internal error: %v\n", progName, err)
		return nil, nil, nil, false
	}
	if !c.reportFailures(graph) {
		return nil, nil, nil, false
	}
	return analyzers, pkgs, c.collect(graph), true
}

// output prints, or fixes, the findings of analyzers on pkgs, with what
// the -profile says of them, and returns the exit code.
func (c *command) output(analyzers []*analysis.Analyzer, pkgs []*packages.Package, findings []finding) int {
	if c.prof != nil {
		c.matchProfile(c.prof, pkgs, findings)
	}
	return c.render(analyzers, findings)
}

// reportFailures prints the passes that failed, other than by a failed
// prerequisite, and reports whether none did.
func (c *command) reportFailures(graph *checker.Graph) bool {
	ok := true
	for act := range graph.All() {
		if act.Err == nil || hasFailedDep(act) {
			continue // fine, or failing only because a prerequisite failed
		}
		ok = false
		var p *panicError
		if errors.As(act.Err, &p) {
			continue // guardRuns has printed it
		}
		fmt.Fprintf(c.stderr, "%s: %s on %s: %v\n", progName, act.Analyzer.Name, act.Package.ID, act.Err)
	}
	return ok
}

// hasFailedDep reports whether a prerequisite of act failed.
func hasFailedDep(act *checker.Action) bool {
	for _, dep := range act.Deps {
		if dep.Err != nil {
			return true
		}
	}
	return false
}

// A panicError is a panic recovered from an analyzer's Run.
type panicError struct {
	pass  string
	value any
}

// Error implements error.
func (e *panicError) Error() string {
	return fmt.Sprintf("internal error: %s panicked: %v", e.pass, e.value)
}

// guarded records the analyzers whose Run guardRuns has wrapped, so that a
// shared one (buildssa.Analyzer, a suite's summary pass) is wrapped once
// however many commands run in the process.
var guarded sync.Map // *analysis.Analyzer -> true

// guardRuns makes the Run of every analyzer reachable from analyzers turn a
// panic into an error, and log it as an internal error naming the analyzer
// and the package, so that no panic escapes: the checker runs analyzers in
// goroutines of its own, where a recover in main cannot reach. Passes
// already recover per function they analyse; this is the last line of
// defence, for the rest of Run and for required analyzers.
//
// Call it before analysis starts in the process: it writes the Run field of
// shared analyzers. Their panics go to the log of the first call.
func guardRuns(analyzers []*analysis.Analyzer, log io.Writer) {
	for _, a := range analyzers {
		if _, done := guarded.LoadOrStore(a, true); done {
			continue // wrapped by an earlier call, with its requirements
		}
		run := a.Run
		a.Run = func(pass *analysis.Pass) (result any, err error) {
			defer func() {
				if v := recover(); v != nil {
					result, err = nil, &panicError{pass: a.Name, value: v}
					fmt.Fprintf(log, "%s: internal error: %s on %s: %v\n", progName, a.Name, pass.Pkg.Path(), v)
				}
			}()
			return run(pass)
		}
		guardRuns(a.Requires, log)
	}
}

// recoverInternal turns a panic in the driver into a one-line message and
// exit code 2 instead of a stack trace. Call it deferred.
func recoverInternal(stderr io.Writer, code *int) {
	if v := recover(); v != nil {
		fmt.Fprintf(stderr, "%s: internal error: %v\n", progName, v)
		*code = exitError
	}
}
