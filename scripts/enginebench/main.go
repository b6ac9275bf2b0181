// Command enginebench runs only the interaction engine (internal/engine)
// and reports each goroutine it finds stuck, so that the engine can be
// scored on the leak benchmark before the passes use it:
//
//	go build -o "$TMPDIR/enginebench" ./scripts/enginebench
//	go run ./scripts/leakbench -lint "$TMPDIR/enginebench" -v
//
// A stuck send is reported under the name unguardedsend and every other
// wait under noexit, at the blocked operation, with the go statement and
// where the object was made as related locations: the kinds and positions
// leakbench scores. Run directly (enginebench ./...) it prints them.
// With ENGINEBENCH_STATS=1 it prints the search's counters per scope on
// stderr; ENGINEBENCH_CPUPROFILE=file writes a CPU profile of the first ten
// seconds (the checker exits without returning); ENGINEBENCH_MEMPROFILE=file
// rewrites a heap profile every five seconds.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/goroutinelint/goroutinelint/internal/engine"
)

// main runs the two reporting analyzers.
func main() {
	cfg := engine.DefaultConfig()
	if os.Getenv("ENGINEBENCH_STATS") == "1" {
		cfg.Trace = os.Stderr
	}
	if path := os.Getenv("ENGINEBENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			// multichecker.Main exits without returning: stop the profile
			// from a timer instead.
			go func() {
				time.Sleep(10 * time.Second)
				pprof.StopCPUProfile()
				f.Close()
			}()
		}
	}
	if path := os.Getenv("ENGINEBENCH_MEMPROFILE"); path != "" {
		go writeHeap(path)
	}
	eng := engine.New(cfg)
	multichecker.Main(reporter(eng, "unguardedsend", true), reporter(eng, "noexit", false))
}

// reporter returns an analyzer named name that reports the engine's stuck
// sends (sends true) or its other stuck waits.
func reporter(eng *analysis.Analyzer, name string, sends bool) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:     name,
		Doc:      "report the goroutines the interaction engine finds stuck",
		Requires: []*analysis.Analyzer{eng},
		Run: func(pass *analysis.Pass) (any, error) {
			res := pass.ResultOf[eng].(*engine.Result)
			for _, st := range res.Stuck {
				if (st.Kind == engine.Send || st.Kind == engine.NilSend) != sends || !st.Op.IsValid() {
					continue
				}
				d := analysis.Diagnostic{Pos: st.Op, Category: st.Kind.String(), Message: message(st)}
				if st.Go.IsValid() {
					d.Related = append(d.Related, analysis.RelatedInformation{Pos: st.Go, Message: "goroutine started here"})
				}
				if st.Made.IsValid() {
					d.Related = append(d.Related, analysis.RelatedInformation{Pos: st.Made, Message: "made here"})
				}
				for _, w := range st.Witness {
					d.Related = append(d.Related, analysis.RelatedInformation{Pos: w.Pos, Message: w.What + " here"})
				}
				pass.Report(d)
			}
			return nil, nil
		},
	}
}

// message describes a stuck goroutine.
func message(st *engine.Stuck) string {
	who := "goroutine " + st.Entry.Name()
	if !st.Go.IsValid() {
		who = st.Entry.Name()
	}
	return fmt.Sprintf("%s blocks forever on %s", who, st.Kind)
}

// writeHeap rewrites a heap profile at path every five seconds, for as
// long as the checker runs.
func writeHeap(path string) {
	for {
		time.Sleep(5 * time.Second)
		f, err := os.Create(path)
		if err != nil {
			return
		}
		pprof.WriteHeapProfile(f)
		f.Close()
	}
}
