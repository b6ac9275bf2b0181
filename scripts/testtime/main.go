// Command testtime measures the contributor's loop: `go test -count=1 ./...`
// (no cached test results), with the build cache as it is (warm) and,
// with -cold, with an empty temporary GOCACHE (the module cache is kept).
// It prints each package's wall time as go test reports it, the run's wall
// time, the CPU time of the whole process tree and the load average before
// and after, since other work on the machine inflates wall times.
//
// Run it from the repository root:
//
//	go run ./scripts/testtime          # warm build cache
//	go run ./scripts/testtime -cold    # warm, then with an empty GOCACHE
//	go run ./scripts/testtime -pkgs ./passes/...
//
// It is a measurement, not a test: nothing fails on a slow run. The issue
// 11 targets are 60 s warm and 3 minutes cold on a 2-core machine.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"
)

func main() {
	cold := flag.Bool("cold", false, "also measure with an empty temporary GOCACHE")
	pkgs := flag.String("pkgs", "./...", "space-separated package patterns")
	flag.Parse()
	patterns := strings.Fields(*pkgs)
	ok := measure("warm", nil, patterns)
	if *cold {
		dir, err := os.MkdirTemp("", "testtime-gocache-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "testtime:", err)
			os.Exit(2)
		}
		defer os.RemoveAll(dir)
		ok = measure("cold", []string{"GOCACHE=" + dir}, patterns) && ok
	}
	if !ok {
		os.Exit(1)
	}
}

// A pkgTime is one package's result.
type pkgTime struct {
	pkg     string
	elapsed float64
	action  string
}

// measure runs go test once and prints its times; it reports whether the
// tests passed.
func measure(label string, env, patterns []string) bool {
	before := loadavg()
	cmd := exec.Command("go", append([]string{"test", "-count=1", "-json"}, patterns...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testtime:", err)
		return false
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "testtime:", err)
		return false
	}
	times, failures := parse(stdout)
	err = cmd.Wait()
	wall := time.Since(start)
	var cpu time.Duration
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	after := loadavg()

	sort.Slice(times, func(i, j int) bool { return times[i].elapsed > times[j].elapsed })
	fmt.Printf("== %s: go test -count=1 %s\n", label, strings.Join(patterns, " "))
	for _, p := range times {
		fmt.Printf("%8.1fs  %-4s  %s\n", p.elapsed, p.action, p.pkg)
	}
	fmt.Printf("total: %.1fs wall, %.1fs CPU (go test and every child: builds, test binaries, the tools they run)\n",
		wall.Seconds(), cpu.Seconds())
	fmt.Printf("load average: %s before, %s after\n", before, after)
	for _, f := range failures {
		fmt.Println("FAIL", f)
	}
	return err == nil && len(failures) == 0
}

// parse reads go test -json events and returns each package's elapsed time
// and the failed tests.
func parse(r io.Reader) ([]pkgTime, []string) {
	var times []pkgTime
	var failures []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var ev struct {
			Action  string
			Package string
			Test    string
			Elapsed float64
		}
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue // build output
		}
		switch {
		case ev.Test == "" && (ev.Action == "pass" || ev.Action == "fail" || ev.Action == "skip"):
			times = append(times, pkgTime{ev.Package, ev.Elapsed, ev.Action})
		case ev.Test != "" && ev.Action == "fail":
			failures = append(failures, ev.Package+" "+ev.Test)
		}
	}
	return times, failures
}

// loadavg returns the 1-minute load average, or "?" where /proc has none.
func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(data)); len(f) > 0 {
		return f[0]
	}
	return "?"
}
