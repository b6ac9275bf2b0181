package lint

import (
	"strings"
	"testing"
)

func TestExtractDoc(t *testing.T) {
	t.Parallel()
	const good = `// Package halt defines an Analyzer that reports loops with no way out.
//
// # Analyzer halt
//
// halt: report loops with no way out
//
// A loop with no way out pins its goroutine.
//
//	for { work() }
//
// # Analyzer halting
//
// halting: another analyzer of the same package
//
// Its own text.
package halt

const unrelated = 1
`
	tests := []struct {
		src, name string
		want      string // the Doc, or with err, a substring of the error
		err       bool
	}{
		{good, "halt", "report loops with no way out\n\nA loop with no way out pins its goroutine.\n\n\tfor { work() }", false},
		{good, "halting", "another analyzer of the same package\n\nIts own text.", false},
		{good, "hal", `no "# Analyzer hal" heading`, true},
		{good, "other", `no "# Analyzer other" heading`, true},
		{"// Package p is p.\npackage p\n", "p", `no "# Analyzer p" heading`, true},
		{"package p\n", "p", "no package comment", true},
		{"// # Analyzer p\n//\n// p report things\npackage p\n", "p", `not followed by a line "p: <title>"`, true},
		{"// # Analyzer p\n//\n// p:\npackage p\n", "p", "has no title", true},
		{"not Go", "p", "does not parse", true},
	}
	for _, tt := range tests {
		got, err := ExtractDoc(tt.src, tt.name)
		switch {
		case tt.err && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("ExtractDoc(%q): %q, %v; want an error containing %q", tt.name, got, err, tt.want)
		case !tt.err && (err != nil || got != tt.want):
			t.Errorf("ExtractDoc(%q): %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestMustExtractDocPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "halt: ") {
			t.Errorf("MustExtractDoc of a file without the section: recovered %v, want a panic naming the analyzer", r)
		}
	}()
	MustExtractDoc("package halt\n", "halt")
}
