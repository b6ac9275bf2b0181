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
// seconds (ENGINEBENCH_CPUSECONDS sets how many) (the checker exits without returning); ENGINEBENCH_MEMPROFILE=file
// rewrites a heap profile every five seconds. ENGINEBENCH_CONFIG sets
// integer bounds of engine.Config, as Name=value pairs separated by commas
// (ENGINEBENCH_CONFIG=WorkPerInstr=200,MaxStates=5000). With ENGINEBENCH_DEPS=1 the
// reporters declare a fact type, so that go vet runs the engine on every
// dependency too, as it will once a pass with facts requires it.
// ENGINEBENCH_TIMES=file appends to file, per package, the CPU time of the
// process while the engine ran (in vet mode one process is one package)
// and the package's counters.
package main

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/goroutinelint/goroutinelint/internal/engine"
)

// main runs the two reporting analyzers.
func main() {
	cfg := engine.DefaultConfig()
	if err := setConfig(&cfg, os.Getenv("ENGINEBENCH_CONFIG")); err != nil {
		fmt.Fprintln(os.Stderr, "enginebench:", err)
		os.Exit(2)
	}
	if os.Getenv("ENGINEBENCH_STATS") == "1" {
		cfg.Trace = os.Stderr
	}
	if path := os.Getenv("ENGINEBENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			// multichecker.Main exits without returning: stop the profile
			// from a timer instead.
			secs, err := strconv.Atoi(os.Getenv("ENGINEBENCH_CPUSECONDS"))
			if err != nil || secs <= 0 {
				secs = 10
			}
			go func() {
				time.Sleep(time.Duration(secs) * time.Second)
				pprof.StopCPUProfile()
				f.Close()
			}()
		}
	}
	if path := os.Getenv("ENGINEBENCH_MEMPROFILE"); path != "" {
		go writeHeap(path)
	}
	if path := os.Getenv("ENGINEBENCH_TIMES"); path != "" {
		cfg.Trace = &timesWriter{path: path, echo: cfg.Trace}
	}
	eng := engine.New(cfg)
	send, other := reporter(eng, "unguardedsend", true), reporter(eng, "noexit", false)
	if os.Getenv("ENGINEBENCH_DEPS") == "1" {
		send.FactTypes = []analysis.Fact{new(noFact)}
	}
	multichecker.Main(send, other)
}

// noFact is a fact never exported: declaring it makes drivers run the
// engine on dependencies (ENGINEBENCH_DEPS).
type noFact struct{}

// AFact marks noFact as a fact.
func (*noFact) AFact() {}

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

// timesWriter receives the engine's trace and appends, per package, the
// process's CPU time between the trace's package start and end lines.
type timesWriter struct {
	path  string
	echo  io.Writer // the trace, passed on when ENGINEBENCH_STATS is set
	start time.Duration
}

// Write handles one trace line.
func (w *timesWriter) Write(p []byte) (int, error) {
	if w.echo != nil {
		w.echo.Write(p)
	}
	line := string(p)
	switch {
	case strings.HasPrefix(line, "engine: package start "):
		w.start = cpuTime()
	case strings.HasPrefix(line, "engine: package "):
		rest := strings.TrimPrefix(line, "engine: package ")
		path, counters, _ := strings.Cut(rest, ": ")
		f, err := os.OpenFile(w.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%s\t%.3f\t%s", path, (cpuTime() - w.start).Seconds(), counters)
			f.Close()
		}
	}
	return len(p), nil
}

// setConfig sets the integer fields of cfg named in spec, Name=value pairs
// separated by commas.
func setConfig(cfg *engine.Config, spec string) error {
	if spec == "" {
		return nil
	}
	v := reflect.ValueOf(cfg).Elem()
	for _, kv := range strings.Split(spec, ",") {
		name, val, _ := strings.Cut(kv, "=")
		f := v.FieldByName(name)
		n, err := strconv.Atoi(val)
		if !f.IsValid() || f.Kind() != reflect.Int || err != nil {
			return fmt.Errorf("ENGINEBENCH_CONFIG: bad %q", kv)
		}
		f.SetInt(int64(n))
	}
	return nil
}
