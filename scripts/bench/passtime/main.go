// Command passtime shows where goroutinelint's standalone time and memory
// go: it loads packages as goroutinelint does (typed syntax for them and
// every dependency, tests included), runs the whole suite with
// go/analysis/checker, sequentially so that each action's Duration is its
// own, and prints the time per analyzer (buildssa, ctrlflow, the shared
// channel model, each pass) and the slowest actions. It can also write
// CPU and heap profiles for go tool pprof.
//
//	go build -o /tmp/passtime ./scripts/bench/passtime
//	cd <module> && GOWORK=off GOFLAGS=-mod=mod /tmp/passtime -cpuprofile cpu.pprof ./...
//	go tool pprof -top -cum cpu.pprof
//
// It reports nothing about findings; use goroutinelint for that.
package main

import (
	"cmp"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/goroutinelint/goroutinelint/analyzer"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("passtime: ")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the analysis (not the load) to this file")
	memProfile := flag.String("memprofile", "", "write a heap profile, taken after the analysis, to this file")
	parallel := flag.Bool("parallel", false, "run actions in parallel, as goroutinelint does (durations then include contention)")
	top := flag.Int("top", 15, "how many of the slowest actions to list")
	tests := flag.Bool("test", true, "also analyze the packages' test files (false: as go vet analyzes a dependency)")
	flag.Parse()
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"."}
	}

	t0 := time.Now()
	cfg := &packages.Config{Mode: packages.LoadSyntax | packages.NeedModule | packages.NeedDeps, Tests: *tests}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		log.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		os.Exit(2)
	}
	loadTime := time.Since(t0)

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
	}
	t1 := time.Now()
	graph, err := checker.Analyze(analyzer.All(analyzer.DefaultConfig()), roots(pkgs), &checker.Options{Sequential: !*parallel})
	if err != nil {
		log.Fatal(err)
	}
	analyzeTime := time.Since(t1)
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	if *memProfile != "" {
		writeHeap(*memProfile)
	}

	report(graph, loadTime, analyzeTime, mem, *top)
	runtime.KeepAlive(graph)
}

// report prints the time per analyzer and the slowest actions.
func report(graph *checker.Graph, loadTime, analyzeTime time.Duration, mem runtime.MemStats, top int) {
	type total struct {
		name    string
		sum     time.Duration
		actions int
	}
	totals := make(map[string]*total)
	var acts []*checker.Action
	pkgs := make(map[string]bool)
	for act := range graph.All() {
		acts = append(acts, act)
		pkgs[act.Package.ID] = true
		t := totals[act.Analyzer.Name]
		if t == nil {
			t = &total{name: act.Analyzer.Name}
			totals[act.Analyzer.Name] = t
		}
		t.sum += act.Duration
		t.actions++
		if act.Err != nil && !strings.HasPrefix(act.Err.Error(), "failed prerequisites") {
			fmt.Printf("error: %s on %s: %v\n", act.Analyzer.Name, act.Package.ID, act.Err)
		}
	}
	fmt.Printf("load %.2fs, analysis %.2fs, %d packages; heap in use after analysis %d MB, from the OS %d MB\n\n",
		loadTime.Seconds(), analyzeTime.Seconds(), len(pkgs), mem.HeapInuse>>20, mem.Sys>>20)

	sorted := make([]*total, 0, len(totals))
	for _, t := range totals {
		sorted = append(sorted, t)
	}
	slices.SortFunc(sorted, func(a, b *total) int { return cmp.Compare(b.sum, a.sum) })
	fmt.Printf("%-16s %9s %8s\n", "analyzer", "seconds", "actions")
	for _, t := range sorted {
		fmt.Printf("%-16s %9.2f %8d\n", t.name, t.sum.Seconds(), t.actions)
	}

	slices.SortFunc(acts, func(a, b *checker.Action) int { return cmp.Compare(b.Duration, a.Duration) })
	fmt.Printf("\nslowest actions:\n")
	for _, act := range acts[:min(top, len(acts))] {
		fmt.Printf("%9.3fs  %-16s %s\n", act.Duration.Seconds(), act.Analyzer.Name, act.Package.ID)
	}
}

// writeHeap writes a heap profile to path.
func writeHeap(path string) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		log.Fatal(err)
	}
}

// roots picks the packages to analyze as go vet and goroutinelint do: a
// package with a test variant is analyzed as that variant, and generated
// test mains are skipped.
func roots(pkgs []*packages.Package) []*packages.Package {
	hasVariant := make(map[string]bool)
	for _, p := range pkgs {
		if base, rest, ok := strings.Cut(p.ID, " ["); ok && base == p.PkgPath && rest == base+".test]" {
			hasVariant[base] = true
		}
	}
	return slices.DeleteFunc(slices.Clone(pkgs), func(p *packages.Package) bool {
		return hasVariant[p.ID] || (p.Name == "main" && strings.HasSuffix(p.PkgPath, ".test"))
	})
}
