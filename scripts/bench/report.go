package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// stats are the medians of one tool's successful runs on one module.
type stats struct {
	wall, cpu time.Duration
	rssMB     float64
	ok        int   // successful runs
	failed    int   // runs that exited with neither 0 nor 1, or crashed
	crashed   int   // runs whose output shows a crash
	exits     []int // distinct exit codes
}

// Targets of issue 6, as ratios of medians measured in one run.
// A time target is met when both the wall and the CPU ratio meet it.
const (
	targetVetOverFloor  = 1.15 // goroutinelint-vet / floor
	targetVetOverGoVet  = 1.35 // goroutinelint-vet / go vet
	targetVetOverStatic = 1.00 // goroutinelint-vet / staticcheck, strictly below
	targetRSSOverFloor  = 1.20 // goroutinelint / floorcheck, peak RSS
)

// summarize renders the report: medians per module and tool, the ratios,
// and which of the targets are met.
func summarize(runs []run, tools []string, env environment) string {
	var modules []string
	byKey := make(map[[2]string][]run)
	for _, r := range runs {
		if !slices.Contains(modules, r.module) {
			modules = append(modules, r.module)
		}
		k := [2]string{r.module, r.tool}
		byKey[k] = append(byKey[k], r)
	}
	st := make(map[[2]string]stats)
	for k, rs := range byKey {
		st[k] = medians(rs)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\n", env.String())
	b.WriteString("\nMedians (cold analysis, warm build cache; CPU = user+sys of the process tree, RSS = largest process):\n\n")
	b.WriteString("| module | tool | wall s | CPU s | peak RSS MB | exit |\n|---|---|--:|--:|--:|---|\n")
	for _, m := range modules {
		for _, t := range tools {
			s, ok := st[[2]string{m, t}]
			if !ok {
				continue
			}
			if s.ok == 0 {
				fmt.Fprintf(&b, "| %s | %s | - | - | - | %s |\n", m, t, exitNote(s))
				continue
			}
			fmt.Fprintf(&b, "| %s | %s | %.2f | %.2f | %.0f | %s |\n", m, t, s.wall.Seconds(), s.cpu.Seconds(), s.rssMB, exitNote(s))
		}
	}

	get := func(m, t string) (stats, bool) {
		s, ok := st[[2]string{m, t}]
		return s, ok && s.ok > 0
	}
	timeRatio := func(m, a, c string) (w, cpu float64, ok bool) {
		sa, oka := get(m, a)
		sc, okc := get(m, c)
		if !oka || !okc || sc.wall == 0 || sc.cpu == 0 {
			return 0, 0, false
		}
		return sa.wall.Seconds() / sc.wall.Seconds(), sa.cpu.Seconds() / sc.cpu.Seconds(), true
	}
	cell := func(m, a, c string) string {
		if w, cpu, ok := timeRatio(m, a, c); ok {
			return fmt.Sprintf("%.2f / %.2f", w, cpu)
		}
		return "-"
	}
	rssRatio := func(m string) (float64, bool) {
		sa, oka := get(m, toolLint)
		sc, okc := get(m, toolFloorCheck)
		if !oka || !okc || sc.rssMB == 0 {
			return 0, false
		}
		return sa.rssMB / sc.rssMB, true
	}

	b.WriteString("\nRatios of medians (wall / CPU; RSS: peak RSS):\n\n")
	b.WriteString("| module | goroutinelint-vet / floor | goroutinelint-vet / go vet | staticcheck / go vet | goroutinelint-vet / staticcheck | floor / go vet | goroutinelint / floorcheck RSS |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|\n")
	for _, m := range modules {
		rss := "-"
		if v, ok := rssRatio(m); ok {
			rss = fmt.Sprintf("%.2f", v)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", m,
			cell(m, toolVetLint, toolFloor), cell(m, toolVetLint, toolVet), cell(m, toolStatic, toolVet),
			cell(m, toolVetLint, toolStatic), cell(m, toolFloor, toolVet), rss)
	}

	// judge renders whether a time ratio meets limit, on wall and CPU.
	judge := func(m, a, c string, limit float64, strict bool) string {
		w, cpu, ok := timeRatio(m, a, c)
		if !ok {
			return "-"
		}
		meets := func(v float64) bool { return v <= limit && (!strict || v < limit) }
		switch {
		case meets(w) && meets(cpu):
			return "met"
		case meets(w):
			return fmt.Sprintf("missed on CPU (%.2f)", cpu)
		case meets(cpu):
			return fmt.Sprintf("missed on wall (%.2f)", w)
		}
		return fmt.Sprintf("missed (%.2f / %.2f)", w, cpu)
	}
	b.WriteString("\nTargets of issue 6 (a time target is met when both the wall and the CPU ratio meet it):\n\n")
	fmt.Fprintf(&b, "| module | vet ≤ %.2f× floor | vet ≤ %.2f× go vet | vet < staticcheck | standalone RSS ≤ %.2f× floor |\n|---|---|---|---|---|\n",
		targetVetOverFloor, targetVetOverGoVet, targetRSSOverFloor)
	for _, m := range modules {
		rss := "-"
		if v, ok := rssRatio(m); ok {
			rss = "met"
			if v > targetRSSOverFloor {
				rss = fmt.Sprintf("missed (%.2f)", v)
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", m,
			judge(m, toolVetLint, toolFloor, targetVetOverFloor, false),
			judge(m, toolVetLint, toolVet, targetVetOverGoVet, false),
			judge(m, toolVetLint, toolStatic, targetVetOverStatic, true),
			rss)
	}
	return b.String()
}

// medians summarizes the runs of one tool on one module; failed runs are
// counted but left out of the medians.
func medians(rs []run) stats {
	var s stats
	var wall, cpu []time.Duration
	var rss []int64
	for _, r := range rs {
		if !slices.Contains(s.exits, r.exit) {
			s.exits = append(s.exits, r.exit)
		}
		if r.crashed {
			s.crashed++
		}
		if r.failed() {
			s.failed++
			continue
		}
		s.ok++
		wall = append(wall, r.wall)
		cpu = append(cpu, r.cpu())
		rss = append(rss, r.maxRSSKB)
	}
	slices.Sort(s.exits)
	if s.ok == 0 {
		return s
	}
	s.wall = median(wall)
	s.cpu = median(cpu)
	s.rssMB = float64(median(rss)) / 1024
	return s
}

// median returns the median of xs, the mean of the middle two for an even
// count. xs is sorted in place.
func median[T time.Duration | int64](xs []T) T {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// exitNote describes the exit codes of a tool's runs.
func exitNote(s stats) string {
	var parts []string
	for _, e := range s.exits {
		switch e {
		case 0:
			parts = append(parts, "0")
		case 1:
			parts = append(parts, "1 (findings)")
		default:
			parts = append(parts, fmt.Sprintf("%d (error)", e))
		}
	}
	note := strings.Join(parts, ", ")
	if s.failed > 0 {
		note += fmt.Sprintf("; %d of %d runs failed", s.failed, s.failed+s.ok)
	}
	if s.crashed > 0 {
		note += fmt.Sprintf(" (%d crashed)", s.crashed)
	}
	return note
}
