// Command bench measures what goroutinelint costs on the real-world corpus,
// against go vet, staticcheck and the floor (SSA plus a fact exchange and no
// analysis), and prints medians and ratios as Markdown tables:
//
//	go run ./scripts/bench                                  # every module, every tool, 3 rounds
//	go run ./scripts/bench -n 5 -modules raft,nats
//	go run ./scripts/bench -tools vet,floor,goroutinelint-vet
//
// Run it from the repository root. The tools, each run in the module's root
// on ./... (tests included, as go vet includes them):
//
//	vet                go vet ./...                                  (default analyzers)
//	staticcheck        staticcheck ./...                             (v0.8.2)
//	floor              go vet -vettool=floor ./...                   (scripts/bench/floor)
//	goroutinelint-vet  go vet -vettool=goroutinelint ./...
//	goroutinelint      goroutinelint ./...                           (standalone: drives go vet, cold cache)
//	goroutinelint-whole goroutinelint -whole-program ./...           (standalone, the in-process driver)
//	goroutinelint-cached goroutinelint ./... again, unchanged          (after an untimed run with the same binary)
//	goroutinelint-edit goroutinelint ./... after editing one file     (an exported function added to the module's root package)
//	floorcheck         floorcheck ./...                              (scripts/bench/floorcheck, standalone floor)
//
// With -perpkg it measures instead what each package costs (the issue's
// bound: no package over 3x its floor): floor and goroutinelint-vet (and
// goroutinelint-vet-base, another binary given by -base, to compare two
// builds in the same rounds) run through scripts/bench/vetwrap, which
// records every vet-tool process's user+sys CPU, one process per package;
// the report lists, per module, the packages' median CPU under each tool
// and goroutinelint's ratio to the floor, worst first. A floor under 50 ms
// of CPU is noise, and such a package's ratio is taken over 50 ms:
//
//	go run ./scripts/bench -perpkg -warmup=false
//	go run ./scripts/bench -perpkg -base "$TMPDIR/goroutinelint-main" -modules grpc
//	go run ./scripts/bench -perpkg-report <results dir>   # again, from an earlier (or interrupted) run's files
//
// With goroutinelint selected too (and -chain, the default), the cached and
// edit runs follow the round's goroutinelint run on its binary and cache:
// first run, unchanged second run, one-file edit, as a user meets them,
// for one analysis instead of three.
//
// The scale module (internal/corpus.Scale) runs only when -modules names
// it, with one round.
//
// Every run is a cold analysis: compiled packages come from a warm build
// cache, analysis results from nowhere. go vet caches its results in the
// build cache, keyed among other things on the vet tool's -V=full output,
// which unitchecker derives from a hash of the tool's executable; so each
// vet-tool run gets its own copy of the binary with a nonce appended, and
// plain go vet gets a no-op -printf.funcs=NONCE. staticcheck gets an empty
// STATICCHECK_CACHE. The build-cache files a run creates (vet results,
// facts) are deleted after it, so the cache does not grow without bound.
// Before the timed rounds each module gets `go build ./...` and one untimed
// run of every tool (-warmup=false skips that).
//
// The timed runs are interleaved: round r runs every tool once on the
// module, in an order rotated by r, so load from other jobs on a shared
// machine hits all tools alike; compare ratios, not absolute seconds.
// Per run it records wall time, CPU (user+sys of the whole process tree:
// the rusage of a waited-for process includes its waited-for descendants)
// and peak RSS (ru_maxrss: the largest single process of the tree), and
// the peak of the RSS summed over the tree's processes that are not the go
// command or its compilers (the tool's own processes, however many run at
// once), sampled every 50 ms from /proc.
// Findings (exit 1) are normal; any other non-zero exit is an error, shown
// on stderr and in the tables.
//
// Output: the tables on stdout, and in -out (default a new directory under
// <dir>/bench-results): runs.tsv (every run), summary.md (the tables),
// env.txt (versions, machine) and out/ (each run's output).
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/goroutinelint/goroutinelint/internal/corpus"
)

// Names of the tools, in the order the tables list them.
const (
	toolVet        = "vet"
	toolStatic     = "staticcheck"
	toolFloor      = "floor"
	toolVetLint    = "goroutinelint-vet"
	toolLint       = "goroutinelint"
	toolLintWhole  = "goroutinelint-whole"
	toolLintCached = "goroutinelint-cached"
	toolLintEdit   = "goroutinelint-edit"
	toolFloorCheck = "floorcheck"
	toolVetBase    = "goroutinelint-vet-base" // -perpkg -base only
)

// allTools lists every tool, in table order.
var allTools = []string{toolVet, toolStatic, toolFloor, toolVetLint, toolLint, toolLintWhole, toolLintCached, toolLintEdit, toolFloorCheck}

// options are the command's flags.
type options struct {
	rounds      int
	modules     []string
	tools       []string
	dir         string // the corpus
	out         string // where results go
	gocache     string
	staticcheck string // a staticcheck binary, or "" to build v0.8.2
	lint        string // a goroutinelint binary, or "" to build one
	rev         string // the git revision to build goroutinelint from, or "" for the work tree
	timeout     time.Duration
	warmup      bool
	chain       bool
	perpkg      bool   // time each package (vetwrap) instead
	base        string // with perpkg, a second goroutinelint binary to time
	report      string // a -perpkg run's results directory to report on, without running
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("bench: ")
	opts := parseFlags()
	if opts.report != "" {
		md, err := perPkgReportOnly(opts)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(md)
		return
	}

	bins, err := buildTools(opts)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(opts.out, "out"), 0o755); err != nil {
		log.Fatal(err)
	}
	env := describeEnv(opts, bins)
	if err := os.WriteFile(filepath.Join(opts.out, "env.txt"), []byte(env.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprint(os.Stderr, env.String())

	b := &bench{opts: opts, bins: bins}
	if err := b.openRuns(); err != nil {
		log.Fatal(err)
	}
	for _, m := range selectedModules(opts.modules) {
		dir, err := corpus.Fetch(opts.dir, m)
		if err != nil {
			log.Fatal(err)
		}
		rounds := opts.rounds
		if m.Name == corpus.Scale.Name {
			rounds = 1 // a run takes many minutes
		}
		b.module(m.Name, dir, rounds)
	}
	if err := b.closeRuns(); err != nil {
		log.Fatal(err)
	}

	md := summarize(b.runs, opts.tools, env)
	if opts.perpkg {
		var names []string
		for _, m := range selectedModules(opts.modules) {
			names = append(names, m.Name)
		}
		per, err := b.perPkgReport(names)
		if err != nil {
			log.Fatal(err)
		}
		md += per
	}
	fmt.Print(md)
	if err := os.WriteFile(filepath.Join(opts.out, "summary.md"), []byte(md), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("raw runs: %s", filepath.Join(opts.out, "runs.tsv"))
}

// parseFlags parses and checks the command line.
func parseFlags() options {
	var o options
	var modules, tools string
	corpusDir := filepath.Join(os.TempDir(), "goroutinelint-corpus")
	flag.IntVar(&o.rounds, "n", 3, "timed rounds per module; medians are over them")
	flag.StringVar(&modules, "modules", "", "comma-separated corpus modules (default: all of internal/corpus.Modules)")
	flag.StringVar(&tools, "tools", strings.Join(allTools, ","), "comma-separated tools to time")
	flag.StringVar(&o.dir, "dir", corpusDir, "where the corpus modules are (fetched if missing)")
	flag.StringVar(&o.out, "out", "", "results directory (default <dir>/bench-results/<time>)")
	flag.StringVar(&o.gocache, "gocache", "", "build cache of the timed runs (default <dir>/.gocache, private: other jobs may clean the shared one)")
	flag.StringVar(&o.staticcheck, "staticcheck", "", "staticcheck binary (default: <dir>/bin/staticcheck, installed at v0.8.2 if missing)")
	flag.StringVar(&o.lint, "goroutinelint", "", "goroutinelint binary (default: build it from -rev)")
	flag.StringVar(&o.rev, "rev", "", "git revision to build goroutinelint from, e.g. HEAD (default: the work tree, uncommitted changes included)")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Minute, "limit per run")
	flag.BoolVar(&o.warmup, "warmup", true, "build each module and run every tool once untimed first")
	flag.BoolVar(&o.chain, "chain", true, "run goroutinelint-cached and goroutinelint-edit right after goroutinelint, on its binary and cache, instead of after untimed first runs of their own")
	flag.BoolVar(&o.perpkg, "perpkg", false, "time each package's vet-tool process under floor and goroutinelint-vet instead (ignores -tools)")
	flag.StringVar(&o.base, "base", "", "with -perpkg, another goroutinelint binary to time alongside (goroutinelint-vet-base)")
	flag.StringVar(&o.report, "perpkg-report", "", "print the per-package report of the -perpkg results in this directory (up to -n rounds) and exit")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: go run ./scripts/bench [flags]\n\nflags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 || o.rounds < 1 || (o.lint != "" && o.rev != "") || (o.base != "" && !o.perpkg) {
		flag.Usage()
		os.Exit(2)
	}
	o.modules = splitList(modules)
	for _, name := range o.modules {
		if name != corpus.Scale.Name && !slices.ContainsFunc(corpus.Modules, func(m corpus.Module) bool { return m.Name == name }) {
			log.Fatalf("unknown module %q (have %s)", name, moduleNames())
		}
	}
	o.tools = splitList(tools)
	for _, t := range o.tools {
		if !slices.Contains(allTools, t) {
			log.Fatalf("unknown tool %q (have %s)", t, strings.Join(allTools, ", "))
		}
	}
	// Keep table order whatever order the flag gave.
	o.tools = slices.DeleteFunc(slices.Clone(allTools), func(t string) bool { return !slices.Contains(o.tools, t) })
	if o.perpkg {
		o.tools = []string{toolFloor, toolVetLint}
		if o.base != "" {
			o.tools = append(o.tools, toolVetBase)
		}
	}
	if len(o.tools) == 0 {
		log.Fatal("no tools selected")
	}
	abs := func(p *string) {
		if *p != "" {
			a, err := filepath.Abs(*p)
			if err != nil {
				log.Fatal(err)
			}
			*p = a
		}
	}
	abs(&o.dir)
	if o.out == "" {
		o.out = filepath.Join(o.dir, "bench-results", time.Now().Format("20060102-150405"))
	}
	if o.gocache == "" {
		o.gocache = filepath.Join(o.dir, ".gocache")
	}
	for _, p := range []*string{&o.out, &o.gocache, &o.staticcheck, &o.lint, &o.base} {
		abs(p)
	}
	return o
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// moduleNames lists the corpus's module names.
func moduleNames() string {
	var names []string
	for _, m := range corpus.Modules {
		names = append(names, m.Name)
	}
	return strings.Join(append(names, corpus.Scale.Name), ", ")
}

// selectedModules returns the corpus modules named, in corpus order, or
// all but the scale module.
func selectedModules(names []string) []corpus.Module {
	var out []corpus.Module
	for _, m := range append(slices.Clone(corpus.Modules), corpus.Scale) {
		if m.Name == corpus.Scale.Name && !slices.Contains(names, m.Name) {
			continue // only when named
		}
		if len(names) == 0 || slices.Contains(names, m.Name) {
			out = append(out, m)
		}
	}
	return out
}
