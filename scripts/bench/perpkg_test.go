package main

import (
	"math"
	"strings"
	"testing"
	"time"
)

// TestParsePkgRuns checks the reading of vetwrap's lines: CPU is user plus
// system time, and a malformed line is an error, not a zero.
func TestParsePkgRuns(t *testing.T) {
	t.Parallel()
	runs, err := parsePkgRuns(strings.NewReader("example.com/a\tfalse\t0.300\t0.100\t0.900\nexample.com/a\ttrue\t0.020\t0.010\t0.050\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []pkgRun{{pkgKey{"example.com/a", false}, 400 * time.Millisecond}, {pkgKey{"example.com/a", true}, 30 * time.Millisecond}}
	if len(runs) != len(want) {
		t.Fatalf("runs = %v, want %v", runs, want)
	}
	for i := range want {
		if runs[i].pkgKey != want[i].pkgKey || (runs[i].cpu-want[i].cpu).Abs() > time.Microsecond {
			t.Errorf("run %d = %v, want %v", i, runs[i], want[i])
		}
	}
	for _, bad := range []string{"example.com/a\tfalse\t0.3\t0.1\n", "example.com/a\tfalse\tx\t0.1\t0.9\n", "example.com/a\tno\t0.3\t0.1\t0.9\n"} {
		if _, err := parsePkgRuns(strings.NewReader(bad)); err == nil {
			t.Errorf("parsePkgRuns(%q) gave no error", bad)
		}
	}
}

// TestPkgRows checks the per-package figures: medians over the rounds, a
// floor under minFloor timed as minFloor, a package's vetted run and its
// facts-only run kept apart, packages one tool did not run left out, and
// the worst ratio first.
func TestPkgRows(t *testing.T) {
	t.Parallel()
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	run := func(id string, vetxOnly bool, cpu int) pkgRun { return pkgRun{pkgKey{id, vetxOnly}, ms(cpu)} }
	floor := [][]pkgRun{
		{run("big", false, 1000), run("big", true, 400), run("tiny", false, 10), run("std", true, 20)},
		{run("big", false, 1100), run("big", true, 400), run("tiny", false, 12), run("std", true, 20)},
		{run("big", false, 5000), run("big", true, 400), run("tiny", false, 11), run("std", true, 20)}, // a loaded round
	}
	lint := [][]pkgRun{
		{run("big", false, 2000), run("big", true, 400), run("tiny", false, 120)},
		{run("big", false, 2300), run("big", true, 420), run("tiny", false, 130)},
		{run("big", false, 2200), run("big", true, 410), run("tiny", false, 125)},
	}
	base := [][]pkgRun{{run("big", false, 3300)}}
	rows := pkgRows(floor, lint, base)
	type want struct {
		key               pkgKey
		floor, lint, base time.Duration
		ratio, baseRatio  float64
	}
	wants := []want{
		{pkgKey{"tiny", false}, ms(11), ms(125), 0, 2.5, 0}, // 0.125 s over 0.05 s, not over 0.011 s
		{pkgKey{"big", false}, ms(1100), ms(2200), ms(3300), 2, 3},
		{pkgKey{"big", true}, ms(400), ms(410), 0, 1.025, 0},
	}
	if len(rows) != len(wants) {
		t.Fatalf("rows = %+v, want %d rows", rows, len(wants))
	}
	for i, w := range wants {
		r := rows[i]
		if r.pkgKey != w.key || r.floor != w.floor || r.lint != w.lint || r.base != w.base ||
			math.Abs(r.ratio-w.ratio) > 1e-9 || math.Abs(r.baseRatio-w.baseRatio) > 1e-9 {
			t.Errorf("row %d = %+v, want %+v", i, r, w)
		}
	}
}
