package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/goroutinelint/goroutinelint/analyzer"
)

// A command is one standalone run: its output streams, its fresh analyzers
// and the flags bound to them.
type command struct {
	stdout, stderr io.Writer
	cwd            string // working directory; output names files relative to it

	analyzers []*analysis.Analyzer
	enabled   map[*analysis.Analyzer]*passFlag
	flags     *flag.FlagSet

	json         bool        // -json
	sarif        bool        // -sarif
	fix          bool        // -fix
	diff         bool        // -diff
	tests        bool        // -test
	tags         string      // -tags
	version      bool        // -V, -version
	wholeProgram bool        // -whole-program: every package at once in this process, nothing cached
	driver       string      // -driver: how a standalone run is driven (driverVet or driverPackage)
	cacheDir     string      // the package driver's cache, if not the one the environment names (tests)
	profile      string      // -profile
	prof         *profileRun // the -profile, once loaded
	stdBodyless  bool        // standard-library dependencies were loaded without function bodies
}

// newCommand returns a command whose flag set knows the driver's flags and,
// for every pass, -<pass> and -<pass>.<flag>.
func newCommand(stdout, stderr io.Writer, cwd string) *command {
	c := &command{
		stdout:    stdout,
		stderr:    stderr,
		cwd:       cwd,
		analyzers: analyzer.All(analyzer.DefaultConfig()),
		enabled:   make(map[*analysis.Analyzer]*passFlag),
		flags:     flag.NewFlagSet(progName, flag.ContinueOnError),
	}
	fs := c.flags
	fs.SetOutput(stderr)
	fs.Usage = func() {} // run prints the usage, to stdout or stderr as fits
	fs.BoolVar(&c.json, "json", false, "print diagnostics and fixes as JSON to stdout")
	fs.BoolVar(&c.sarif, "sarif", false, "print diagnostics and fixes as a SARIF 2.1.0 log to stdout")
	fs.BoolVar(&c.fix, "fix", false, "apply the first suggested fix of each diagnostic")
	fs.BoolVar(&c.diff, "diff", false, "with -fix, print the changes as a unified diff instead of writing files")
	fs.BoolVar(&c.tests, "test", true, "also analyze the packages' test files")
	fs.StringVar(&c.tags, "tags", "", "comma-separated `list` of build tags")
	fs.BoolVar(&c.wholeProgram, "whole-program", false, "analyze every package at once in this process, with nothing cached (needs memory for the whole program)")
	fs.StringVar(&c.driver, "driver", driverPackage, "how to analyze package by package: `name` "+driverPackage+" (in this process, with a cache of its own) or "+driverVet+" (through go vet's processes and cache)")
	fs.StringVar(&c.profile, "profile", "", "confirm findings with the goroutine profile at `source`, a file or an http(s) URL")
	fs.BoolVar(&c.version, "V", false, "print the version and exit")
	fs.BoolVar(&c.version, "version", false, "print the version and exit")
	for _, a := range c.analyzers {
		enable := new(passFlag)
		c.enabled[a] = enable
		fs.Var(enable, a.Name, "run the "+a.Name+" check (default true; -"+a.Name+"=false disables it)")
		a.Flags.VisitAll(func(f *flag.Flag) {
			fs.Var(f.Value, a.Name+"."+f.Name, f.Usage)
		})
	}
	return c
}

// selected returns the analyzers the -<pass> flags enable, as go vet
// decides: if some pass is enabled explicitly, only those run; otherwise
// every pass runs except those disabled explicitly.
func (c *command) selected() []*analysis.Analyzer {
	anyTrue := slices.ContainsFunc(c.analyzers, func(a *analysis.Analyzer) bool { return *c.enabled[a] == passOn })
	var out []*analysis.Analyzer
	for _, a := range c.analyzers {
		switch state := *c.enabled[a]; {
		case anyTrue && state == passOn, !anyTrue && state != passOff:
			out = append(out, a)
		}
	}
	return out
}

// usage prints how to call the command and every flag.
func (c *command) usage(w io.Writer) {
	fmt.Fprintf(w, `%[1]s reports goroutine leaks and the code that causes them.

Usage:
  %[1]s [flags] packages...     analyze packages (patterns as for go build)
  %[1]s help [check]            show this help, or a check's documentation
  %[1]s lsp [-gopls=path]       language server for editors (see the README)
  go vet -vettool=$(command -v %[1]s) [flags] packages...
  go fix -fixtool=$(command -v %[1]s) [flags] packages...

Checks:
`, progName)
	for _, a := range c.analyzers {
		fmt.Fprintf(w, "  %-16s %s\n", a.Name, docTitle(a))
	}
	fmt.Fprintf(w, "\n-<check>=false turns a check off; naming checks (-<check>) runs only those.\n\nFlags:\n")
	c.flags.SetOutput(w)
	c.flags.PrintDefaults()
	c.flags.SetOutput(c.stderr)
	fmt.Fprintf(w, `
Exit status:
  0  no findings; with -fix, every finding was fixed
  1  findings (also with -json, -sarif); with -fix, findings left unfixed;
     with -fix -diff, also a non-empty diff
  2  usage error, packages that fail to load or type-check, no package
     to analyze, a failed check, a file -fix cannot read or write, or an
     internal error
`)
}

// help implements "goroutinelint help [check...]".
func (c *command) help(names []string) int {
	if len(names) == 0 {
		c.usage(c.stdout)
		return exitClean
	}
	for _, name := range names {
		i := slices.IndexFunc(c.analyzers, func(a *analysis.Analyzer) bool { return a.Name == name })
		if i < 0 {
			fmt.Fprintf(c.stderr, "%s: no check named %q; run '%s help' for the list\n", progName, name, progName)
			return exitError
		}
		a := c.analyzers[i]
		fmt.Fprintf(c.stdout, "%s: %s\n", a.Name, strings.TrimSpace(a.Doc))
		var flags strings.Builder
		a.Flags.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(&flags, "  -%s.%s (default %q)\n    \t%s\n", a.Name, f.Name, f.DefValue, f.Usage)
		})
		if flags.Len() > 0 {
			fmt.Fprintf(c.stdout, "\nFlags:\n%s", flags.String())
		}
		if a.URL != "" {
			fmt.Fprintf(c.stdout, "\nMore: %s\n", a.URL)
		}
	}
	return exitClean
}

// printVersion prints the module version the binary was built from.
func (c *command) printVersion() {
	fmt.Fprintf(c.stdout, "%s version %s %s\n", progName, moduleVersion(), runtime.Version())
}

// moduleVersion returns the version of the module the binary was built
// from: a tag for go install ...@version, "(devel)" for a local build.
func moduleVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// docTitle returns the first line of the analyzer's Doc.
func docTitle(a *analysis.Analyzer) string {
	title, _, _ := strings.Cut(a.Doc, "\n")
	return title
}

// A passFlag is the -<pass> flag: a boolean that remembers whether it was set.
type passFlag int

// States of a passFlag.
const (
	passUnset passFlag = iota
	passOn
	passOff
)

// Set implements flag.Value.
func (p *passFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	*p = passOff
	if b {
		*p = passOn
	}
	return nil
}

// String implements flag.Value; an unset pass is on.
func (p *passFlag) String() string {
	return strconv.FormatBool(p == nil || *p != passOff)
}

// IsBoolFlag lets -<pass> stand alone on the command line.
func (p *passFlag) IsBoolFlag() bool { return true }
