package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/goroutinelint/goroutinelint/internal/corpus"
)

// A run is one timed command.
type run struct {
	module, tool string
	round, slot  int // slot: position in the round's order
	start        time.Time
	load1        string // the 1-minute load average at the start
	wall         time.Duration
	user, sys    time.Duration // the whole process tree
	maxRSSKB     int64         // the largest single process of the tree
	sumRSSKB     int64         // peak of the RSS summed over the tool's processes (sampled)
	exit         int           // -1: killed by a signal
	lines        int           // lines of output
	crashed      bool          // the output shows a panic or an internal error
}

// cpu returns the run's CPU time, user plus system.
func (r run) cpu() time.Duration { return r.user + r.sys }

// failed reports whether the run failed: an exit other than 0 or 1
// (findings), or a crash, which go vet also reports as exit 1.
func (r run) failed() bool { return r.crashed || r.exit != 0 && r.exit != 1 }

// crashMarkers are what a crashed analysis prints: a Go panic or fatal
// error, or goroutinelint's report of a panic it recovered.
var crashMarkers = []string{"panic:", "fatal error:", "internal error"}

// crashed reports whether output shows a crash.
func crashed(output []byte) bool {
	for _, m := range crashMarkers {
		if bytes.Contains(output, []byte(m)) {
			return true
		}
	}
	return false
}

// bench runs the tools and records their runs.
type bench struct {
	opts options
	bins binaries
	runs []run
	tsv  *os.File
	link *link // the chain in progress, if any
}

// tsvHeader names the columns of runs.tsv.
const tsvHeader = "module\ttool\tround\tslot\tstart\tload1\twall_s\tuser_s\tsys_s\tcpu_s\tmaxrss_kb\texit\tout_lines\tcrashed\tsumrss_kb\n"

// openRuns creates runs.tsv, to which every run is appended as it ends, so
// that an interrupted benchmark keeps what it measured.
func (b *bench) openRuns() error {
	f, err := os.Create(filepath.Join(b.opts.out, "runs.tsv"))
	if err != nil {
		return err
	}
	b.tsv = f
	_, err = io.WriteString(f, tsvHeader)
	return err
}

// closeRuns closes runs.tsv.
func (b *bench) closeRuns() error { return b.tsv.Close() }

// record keeps r and appends it to runs.tsv.
func (b *bench) record(r run) {
	b.runs = append(b.runs, r)
	fmt.Fprintf(b.tsv, "%s\t%s\t%d\t%d\t%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%d\t%v\t%d\n",
		r.module, r.tool, r.round, r.slot, r.start.UTC().Format(time.RFC3339), r.load1,
		r.wall.Seconds(), r.user.Seconds(), r.sys.Seconds(), r.cpu().Seconds(), r.maxRSSKB, r.exit, r.lines, r.crashed, r.sumRSSKB)
}

// module benchmarks every tool on the module in dir: a warm-up, then the
// interleaved rounds.
func (b *bench) module(name, dir string, rounds int) {
	tools := b.opts.tools
	if b.opts.warmup {
		log.Printf("%s: warm-up", name)
		// Compile the packages and their tests into the build cache; the
		// tools' untimed runs below fill the rest (export data for
		// staticcheck, the OS's file cache).
		if err := goRun(b.runEnv(), dir, "build", "./..."); err != nil {
			log.Printf("%s: warm-up build failed: %v", name, err)
		}
		for _, t := range tools {
			if r := b.measure(name, dir, t, 0, 0); r.failed() {
				log.Printf("%s: warm-up %s failed with exit %d%s; see %s", name, t, r.exit, crashNote(r), b.outFile(r))
			}
		}
	}
	for round := 1; round <= rounds; round++ {
		for slot, t := range b.roundOrder(round) {
			r := b.measure(name, dir, t, round, slot)
			b.record(r)
			status := ""
			if r.failed() {
				status = fmt.Sprintf("  FAILED with exit %d%s; see %s", r.exit, crashNote(r), b.outFile(r))
			}
			log.Printf("%s round %d: %-20s wall %6.2fs  cpu %6.2fs  rss %5d MB  tool rss sum %5d MB  exit %d%s",
				name, round, t, r.wall.Seconds(), r.cpu().Seconds(), r.maxRSSKB/1024, r.sumRSSKB/1024, r.exit, status)
		}
	}
}

// roundOrder returns the tools in round's order: rotated by the round, with
// goroutinelint-cached and goroutinelint-edit, when chained, right after
// goroutinelint.
func (b *bench) roundOrder(round int) []string {
	tools := b.opts.tools
	var order []string
	for slot := range tools {
		t := tools[(slot+round-1)%len(tools)]
		if b.chained(t) && t != toolLint {
			continue // placed after goroutinelint below
		}
		order = append(order, t)
		if t == toolLint {
			for _, next := range []string{toolLintCached, toolLintEdit} {
				if b.chained(next) {
					order = append(order, next)
				}
			}
		}
	}
	return order
}

// chained reports whether tool is part of a round's chain: with -chain and
// goroutinelint selected, goroutinelint-cached and goroutinelint-edit
// follow the round's goroutinelint run with its binary and its cache
// instead of an untimed first run of their own, which halves the
// analyses a round costs. The chain measures what a user sees: a first
// run, the same run again, then a run after an edit.
func (b *bench) chained(tool string) bool {
	if !b.opts.chain || !slices.Contains(b.opts.tools, toolLint) {
		return false
	}
	switch tool {
	case toolLint:
		return slices.Contains(b.opts.tools, toolLintCached) || slices.Contains(b.opts.tools, toolLintEdit)
	case toolLintCached, toolLintEdit:
		return true
	}
	return false
}

// lastInChain reports whether tool ends the round's chain.
func (b *bench) lastInChain(tool string) bool {
	order := b.roundOrder(1)
	for i := len(order) - 1; i >= 0; i-- {
		if b.chained(order[i]) {
			return order[i] == tool
		}
	}
	return false
}

// A link carries a chain from its first run to the next: the binary copy
// (in tmp, with its nonce) and the build-cache files before the chain.
type link struct {
	tmp, nonce string
	before     map[string]bool
}

// runEnv is the environment of every corpus command.
func (b *bench) runEnv() []string {
	return append(append([]string{}, corpus.Env...), "GOCACHE="+b.opts.gocache)
}

// outFile is where the output of r goes.
func (b *bench) outFile(r run) string {
	return filepath.Join(b.opts.out, "out", fmt.Sprintf("%s.%s.%d.txt", r.module, r.tool, r.round))
}

// measure runs tool once on the module in dir with cold analysis caches
// and returns what it cost. Round 0 is the warm-up: its build-cache
// entries are kept.
func (b *bench) measure(module, dir, tool string, round, slot int) run {
	r := run{module: module, tool: tool, round: round, slot: slot, exit: -1}
	chain := round > 0 && b.chained(tool)
	follows := chain && tool != toolLint && b.link != nil // reuses the chain's binary and cache
	var cur link
	if follows {
		cur = *b.link
	} else {
		tmp, err := os.MkdirTemp(b.opts.out, "run-")
		if err != nil {
			log.Fatal(err)
		}
		cur.tmp, cur.nonce = tmp, fmt.Sprintf("bench%d", time.Now().UnixNano())
		if round > 0 {
			cur.before = cacheFiles(b.opts.gocache)
		}
	}
	last := !chain || b.lastInChain(tool)
	if last {
		defer os.RemoveAll(cur.tmp)
		b.link = nil
	} else {
		b.link = &cur
	}
	tmp, nonce, before := cur.tmp, cur.nonce, cur.before
	argv, env, err := b.command(r, tmp, nonce)
	if err != nil {
		log.Fatal(err)
	}
	out, err := os.Create(b.outFile(r))
	if err != nil {
		log.Fatal(err)
	}
	defer out.Close()
	fmt.Fprintf(out, "$ %s\n", strings.Join(argv, " "))

	env = append(append(os.Environ(), b.runEnv()...), env...)
	if restore, err := b.prepare(tool, argv, env, dir, nonce, follows); err != nil {
		log.Fatalf("%s: %v", tool, err)
	} else if restore != nil {
		defer restore()
	}

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	// Its own process group, so that a timeout kills the whole tree.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	r.load1 = loadAverage()
	r.start = time.Now()
	if err := cmd.Start(); err != nil {
		log.Fatalf("%s: %v", tool, err)
	}
	timer := time.AfterFunc(b.opts.timeout, func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	sampler := sampleRSS(cmd.Process.Pid)
	cmd.Wait() // the exit status is read below
	r.wall = time.Since(r.start)
	timer.Stop()
	r.sumRSSKB = sampler()

	ps := cmd.ProcessState
	r.exit = ps.ExitCode()
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		r.user = time.Duration(ru.Utime.Nano())
		r.sys = time.Duration(ru.Stime.Nano())
		r.maxRSSKB = ru.Maxrss // kilobytes on Linux
	}
	out.Write(buf.Bytes())
	r.lines = countLines(buf.Bytes())
	r.crashed = crashed(buf.Bytes())
	if before != nil && last {
		pruneCache(b.opts.gocache, before)
	}
	return r
}

// command returns the argv and extra environment of run r, with per-run
// state (vet-tool copies, the staticcheck cache) under tmp.
func (b *bench) command(r run, tmp, nonce string) ([]string, []string, error) {
	switch tool := r.tool; tool {
	case toolVet:
		// A flag value go vet passes to its analyzers and that changes
		// nothing, but is part of the cache key.
		return []string{"go", "vet", "-printf.funcs=" + nonce, "./..."}, nil, nil
	case toolStatic:
		return []string{b.bins.staticcheck, "./..."}, []string{"STATICCHECK_CACHE=" + filepath.Join(tmp, "staticcheck")}, nil
	case toolFloor, toolVetLint, toolVetBase:
		src := map[string]string{toolFloor: b.bins.floor, toolVetLint: b.bins.lint, toolVetBase: b.bins.base}[tool]
		tool, err := nonceCopy(src, tmp, nonce)
		if b.opts.perpkg {
			// vetwrap runs the copy and records each package's CPU; the
			// copy's -V=full output, passed through, keys the vet cache.
			out := b.perPkgFile(r.module, r.tool, r.round)
			env := []string{"BENCH_VETWRAP_TOOL=" + tool, "BENCH_VETWRAP_OUT=" + out}
			if err == nil {
				err = os.MkdirAll(filepath.Dir(out), 0o755)
			}
			if err == nil {
				err = os.Remove(out) // a file left by an earlier run would add up
				if os.IsNotExist(err) {
					err = nil
				}
			}
			return []string{"go", "vet", "-vettool=" + b.bins.vetwrap, "./..."}, env, err
		}
		return []string{"go", "vet", "-vettool=" + tool, "./..."}, nil, err
	case toolLint, toolLintCached, toolLintEdit:
		// The package driver's cache is the chain's own: its keys take
		// the executable's build ID, which the nonce leaves alone.
		tool, err := nonceCopy(b.bins.lint, tmp, nonce)
		return []string{tool, "./..."}, []string{"GOROUTINELINT_CACHE=" + filepath.Join(tmp, "cache")}, err
	case toolLintWhole:
		return []string{b.bins.lint, "-whole-program", "./..."}, nil, nil
	case toolFloorCheck:
		return []string{b.bins.floorCheck, "./..."}, nil, nil
	}
	return nil, nil, fmt.Errorf("unknown tool %q", r.tool)
}

// nonceCopy copies the executable src into dir with nonce appended, and
// returns the copy's path. Trailing bytes do not change how an ELF runs,
// but they change the hash unitchecker reports for -V=full, which the go
// command puts in the key of every vet result it caches: the copy's
// results are never in the cache.
func nonceCopy(src, dir, nonce string) (string, error) {
	data, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	dst := filepath.Join(dir, filepath.Base(src))
	data = append(data, "\nbench-nonce "+nonce+"\n"...)
	return dst, os.WriteFile(dst, data, 0o755)
}

// cacheFiles returns the set of files in the build cache.
func cacheFiles(dir string) map[string]bool {
	files := make(map[string]bool)
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files[path] = true
		}
		return nil // an unreadable part of the cache is skipped
	})
	return files
}

// pruneCache deletes the build-cache files that are not in before: the
// vet results and facts of a cold run, which no later run can use.
func pruneCache(dir string, before map[string]bool) {
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !before[path] {
			os.Remove(path)
		}
		return nil // as in cacheFiles
	})
}

// loadAverage returns the 1-minute load average, or "?".
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(data)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

// countLines counts the lines of out.
func countLines(out []byte) int {
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		n++
	}
	return n
}

// crashNote adds "(crashed)" to a failure message when the run crashed.
func crashNote(r run) string {
	if r.crashed {
		return " (crashed)"
	}
	return ""
}
