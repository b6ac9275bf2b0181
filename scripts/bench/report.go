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
	sumRSSMB  float64 // the tool's processes summed, sampled
	ok        int     // successful runs
	failed    int     // runs that exited with neither 0 nor 1, or crashed
	crashed   int     // runs whose output shows a crash
	exits     []int   // distinct exit codes
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
	cacheTable(&b, modules, get)
	return b.String()
}

// cacheTable renders the memory and cache figures of the standalone
// drivers (issue 16): the whole-program driver, the go vet driver's first
// run, an unchanged second run and a run after a one-file edit, beside
// the standalone floor. RSS is the peak summed over the tool's processes.
func cacheTable(b *strings.Builder, modules []string, get func(m, t string) (stats, bool)) {
	b.WriteString("\nStandalone memory and cache (wall s / peak RSS MB summed over the tool's processes; % of the first run):\n\n")
	b.WriteString("| module | whole-program | first run | first / whole-program wall | unchanged second run | one-file edit | floorcheck |\n|---|--:|--:|--:|--:|--:|--:|\n")
	for _, m := range modules {
		first, okFirst := get(m, toolLint)
		cell := func(t string) string {
			s, ok := get(m, t)
			if !ok {
				return "-"
			}
			out := fmt.Sprintf("%.2f / %.0f", s.wall.Seconds(), s.sumRSSMB)
			if okFirst && (t == toolLintCached || t == toolLintEdit) && first.wall > 0 {
				out += fmt.Sprintf(" (%.0f%%)", 100*s.wall.Seconds()/first.wall.Seconds())
			}
			return out
		}
		ratio := "-"
		if whole, ok := get(m, toolLintWhole); ok && okFirst && whole.wall > 0 {
			ratio = fmt.Sprintf("%.2f", first.wall.Seconds()/whole.wall.Seconds())
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", m,
			cell(toolLintWhole), cell(toolLint), ratio, cell(toolLintCached), cell(toolLintEdit), cell(toolFloorCheck))
	}
}

// medians summarizes the runs of one tool on one module; failed runs are
// counted but left out of the medians.
func medians(rs []run) stats {
	var s stats
	var wall, cpu []time.Duration
	var rss, sumRSS []int64
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
		sumRSS = append(sumRSS, r.sumRSSKB)
	}
	slices.Sort(s.exits)
	if s.ok == 0 {
		return s
	}
	s.wall = median(wall)
	s.cpu = median(cpu)
	s.rssMB = float64(median(rss)) / 1024
	s.sumRSSMB = float64(median(sumRSS)) / 1024
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
