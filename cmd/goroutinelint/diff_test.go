package main

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	t.Parallel()
	numbered := func(from, to int, extra map[int]string) string {
		var b strings.Builder
		for i := from; i <= to; i++ {
			if s, ok := extra[i]; ok {
				b.WriteString(s)
				continue
			}
			fmt.Fprintf(&b, "%d\n", i)
		}
		return b.String()
	}
	tests := []struct {
		name, before, after, want string
	}{
		{name: "equal", before: "a\nb\n", after: "a\nb\n", want: ""},
		{
			name:   "one change in the middle",
			before: numbered(1, 10, nil),
			after:  numbered(1, 10, map[int]string{5: "five\n"}),
			want:   "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
		},
		{
			name:   "insertion at the start",
			before: "a\nb\n",
			after:  "new\na\nb\n",
			want:   "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n+new\n a\n b\n",
		},
		{
			name:   "into an empty file",
			before: "",
			after:  "x\n",
			want:   "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n",
		},
		{
			name:   "distant changes make two hunks",
			before: numbered(1, 20, nil),
			after:  numbered(1, 20, map[int]string{2: "two\n", 18: "eighteen\n"}),
			want: "--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n" +
				"@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+eighteen\n 19\n 20\n",
		},
		{
			name:   "changes six lines apart share a hunk",
			before: numbered(1, 9, nil),
			after:  numbered(1, 9, map[int]string{1: "one\n", 8: "eight\n"}),
			want:   "--- a/f\n+++ b/f\n@@ -1,9 +1,9 @@\n-1\n+one\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+eight\n 9\n",
		},
		{
			name:   "missing final newline",
			before: "a\nb",
			after:  "a\nc",
			want:   "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n",
		},
		{
			name:   "deletion",
			before: "a\nb\nc\n",
			after:  "a\nc\n",
			want:   "--- a/f\n+++ b/f\n@@ -1,3 +1,2 @@\n a\n-b\n c\n",
		},
	}
	for _, tt := range tests {
		if got := unifiedDiff("a/f", "b/f", tt.before, tt.after); got != tt.want {
			t.Errorf("%s: got\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
}

// TestUnifiedDiffHuge checks that a middle too large for the LCS table
// falls back to one replacement that still turns before into after.
func TestUnifiedDiffHuge(t *testing.T) {
	t.Parallel()
	var before, after strings.Builder
	before.WriteString("head\n")
	after.WriteString("head\n")
	for i := range 3000 {
		fmt.Fprintf(&before, "old %d\n", i)
		fmt.Fprintf(&after, "new %d\n", i)
	}
	before.WriteString("tail\n")
	after.WriteString("tail\n")
	d := unifiedDiff("a/f", "b/f", before.String(), after.String())
	if !strings.HasPrefix(d, "--- a/f\n+++ b/f\n@@ -1,3002 +1,3002 @@\n head\n-old 0\n") || !strings.HasSuffix(d, "+new 2999\n tail\n") {
		t.Errorf("diff of a huge change does not replace the middle in one hunk:\n%.300s", d)
	}
	if got, err := applyDiff(before.String(), d); err != nil || got != after.String() {
		t.Errorf("applying the diff does not give the new text (%v)", err)
	}
}

// TestUnifiedDiffApplies checks on pseudo-random edits that applying the
// diff to the old text gives the new text.
func TestUnifiedDiffApplies(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	randomText := func() string {
		var b strings.Builder
		for range r.IntN(30) {
			fmt.Fprintf(&b, "%c\n", 'a'+r.IntN(4)) // few distinct lines: many common subsequences
		}
		if r.IntN(4) == 0 {
			b.WriteString("no newline")
		}
		return b.String()
	}
	for i := range 500 {
		before, after := randomText(), randomText()
		d := unifiedDiff("a/f", "b/f", before, after)
		got, err := applyDiff(before, d)
		if err != nil || got != after {
			t.Fatalf("case %d: applying the diff gives %q (%v), want %q\ndiff:\n%s", i, got, err, after, d)
		}
	}
}

// hunkHeader matches "@@ -a[,b] +c[,d] @@"; an omitted count is one.
var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@\n$`)

// applyDiff applies a unified diff made by unifiedDiff to before, checking
// every context and removed line against it.
func applyDiff(before, diff string) (string, error) {
	if diff == "" {
		return before, nil
	}
	old := splitLines(before)
	var out []string
	next := 0 // index of the next line of old to copy
	lines := splitLines(diff)[2:]
	for len(lines) > 0 {
		m := hunkHeader.FindStringSubmatch(lines[0])
		if m == nil {
			return "", fmt.Errorf("bad hunk header %q", lines[0])
		}
		start, _ := strconv.Atoi(m[1])
		if m[2] != "0" {
			start-- // a non-empty range names its first line, counting from 1
		}
		if start < next || start > len(old) {
			return "", fmt.Errorf("hunk %q out of order", lines[0])
		}
		out = append(out, old[next:start]...)
		next = start
		for lines = lines[1:]; len(lines) > 0 && !strings.HasPrefix(lines[0], "@@"); lines = lines[1:] {
			l := lines[0]
			text := l[1:]
			if len(lines) > 1 && strings.HasPrefix(lines[1], "\\ ") {
				text = strings.TrimSuffix(text, "\n")
			}
			switch l[0] {
			case '\\':
				continue // handled with the line before
			case ' ', '-':
				if next >= len(old) || old[next] != text {
					return "", fmt.Errorf("line %d of the old text is not %q", next+1, text)
				}
				next++
				if l[0] == '-' {
					continue
				}
			}
			out = append(out, text)
		}
	}
	out = append(out, old[next:]...)
	return strings.Join(out, ""), nil
}
