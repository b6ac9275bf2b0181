// Command enginebench runs only the interaction engine (internal/engine)
// and reports each goroutine it finds stuck, so that the engine can be
// scored on the leak benchmark before the passes use it:
//
//	go build -o /tmp/enginebench ./scripts/enginebench
//	go run ./scripts/leakbench -lint /tmp/enginebench -v
//
// A stuck send is reported under the name unguardedsend and every other
// wait under noexit, at the blocked operation, with the go statement and
// where the object was made as related locations: the kinds and positions
// leakbench scores. Run directly (enginebench ./...) it prints them.
// With ENGINEBENCH_STATS=1 it prints the search's counters per package on
// stderr.
package main

import (
	"fmt"
	"os"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/goroutinelint/goroutinelint/internal/engine"
)

// main runs the two reporting analyzers.
func main() {
	multichecker.Main(reporter("unguardedsend", true), reporter("noexit", false))
}

// reporter returns an analyzer named name that reports the engine's stuck
// sends (sends true) or its other stuck waits.
func reporter(name string, sends bool) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:     name,
		Doc:      "report the goroutines the interaction engine finds stuck",
		Requires: []*analysis.Analyzer{engine.Analyzer},
		Run: func(pass *analysis.Pass) (any, error) {
			res := pass.ResultOf[engine.Analyzer].(*engine.Result)
			if sends && os.Getenv("ENGINEBENCH_STATS") == "1" {
				fmt.Fprintf(os.Stderr, "%s: %+v\n", pass.Pkg.Path(), res.Stats)
			}
			for _, st := range res.Stuck {
				if (st.Kind == engine.Send) != sends || !st.Op.IsValid() {
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
