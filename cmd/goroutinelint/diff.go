package main

import (
	"fmt"
	"strings"
)

// diffContext is the number of unchanged lines shown around each change.
const diffContext = 3

// maxDiffCells bounds the LCS table of the changed middle of a file. Beyond
// it the middle is shown as one replacement: a correct if coarse diff,
// instead of quadratic time and memory on huge files.
const maxDiffCells = 1 << 22

// A diffLine is one line of an edit script: kind is ' ' (kept), '-'
// (removed) or '+' (added); text keeps its newline, if it had one.
type diffLine struct {
	kind byte
	text string
}

// unifiedDiff returns the unified diff that turns before into after, with
// the file names oldName and newName in its header, or "" if they are equal.
func unifiedDiff(oldName, newName, before, after string) string {
	if before == after {
		return ""
	}
	script := lineDiff(splitLines(before), splitLines(after))
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks(script) {
		writeHunk(&b, script, h)
	}
	return b.String()
}

// splitLines splits s after each newline. The last line lacks one if s
// does not end in a newline.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// lineDiff returns an edit script from a to b: the common prefix and suffix
// are kept, and the middle is a longest-common-subsequence diff, or one
// replacement when the middle is too large for the table.
func lineDiff(a, b []string) []diffLine {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	script := make([]diffLine, 0, len(a)+len(b))
	for _, l := range a[:pre] {
		script = append(script, diffLine{' ', l})
	}
	script = append(script, lcsDiff(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		script = append(script, diffLine{' ', l})
	}
	return script
}

// lcsDiff diffs a and b, which share no prefix or suffix, through a table
// of longest common subsequences of their suffixes.
func lcsDiff(a, b []string) []diffLine {
	var out []diffLine
	if (len(a)+1)*(len(b)+1) > maxDiffCells {
		for _, l := range a {
			out = append(out, diffLine{'-', l})
		}
		for _, l := range b {
			out = append(out, diffLine{'+', l})
		}
		return out
	}
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w) // lcs[i*w+j] = LCS length of a[i:] and b[j:]
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, diffLine{' ', a[i]})
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, diffLine{'-', a[i]})
			i++
		default:
			out = append(out, diffLine{'+', b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, diffLine{'-', a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, diffLine{'+', b[j]})
	}
	return out
}

// A hunk is the half-open range [start, end) of an edit script.
type hunk struct{ start, end int }

// hunks groups the changes of script into hunks with diffContext lines of
// context, merging changes whose contexts would touch or overlap.
func hunks(script []diffLine) []hunk {
	var out []hunk
	for i, l := range script {
		if l.kind == ' ' {
			continue // context, not a change
		}
		start, end := max(0, i-diffContext), min(len(script), i+1+diffContext)
		if n := len(out); n > 0 && start <= out[n-1].end {
			out[n-1].end = end
			continue
		}
		out = append(out, hunk{start, end})
	}
	return out
}

// writeHunk writes the hunk h of script with its @@ header.
func writeHunk(b *strings.Builder, script []diffLine, h hunk) {
	oldStart, newStart := 1, 1 // line numbers of script[h.start]
	for _, l := range script[:h.start] {
		if l.kind != '+' {
			oldStart++
		}
		if l.kind != '-' {
			newStart++
		}
	}
	oldCount, newCount := 0, 0
	for _, l := range script[h.start:h.end] {
		if l.kind != '+' {
			oldCount++
		}
		if l.kind != '-' {
			newCount++
		}
	}
	fmt.Fprintf(b, "@@ -%s +%s @@\n", hunkRange(oldStart, oldCount), hunkRange(newStart, newCount))
	for _, l := range script[h.start:h.end] {
		b.WriteByte(l.kind)
		b.WriteString(l.text)
		if !strings.HasSuffix(l.text, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats one side of a hunk header as diff(1) does: an empty
// range names the line before it, and a count of one is left out.
func hunkRange(start, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start-1)
	case 1:
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, count)
}
