package lint

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

func TestParseDirective(t *testing.T) {
	tests := []struct {
		comment string
		isDir   bool
		passes  []string
		reason  string
		problem string // substring of the problem, "" for a valid directive
	}{
		{"// an ordinary comment", false, nil, "", ""},
		{"//goroutinelint:ignorefoo x y", false, nil, "", ""},
		{"//goroutinelint:ignore clienttimeout slow upstream is fine", true, []string{"clienttimeout"}, "slow upstream is fine", ""},
		{"//goroutinelint:ignore clienttimeout,noexit daemon", true, []string{"clienttimeout", "noexit"}, "daemon", ""},
		{"//goroutinelint:ignore clienttimeout", true, []string{"clienttimeout"}, "", "no reason"},
		{"//goroutinelint:ignore clienttimeout // a remark", true, []string{"clienttimeout"}, "", "no reason"},
		{"//goroutinelint:ignore", true, nil, "", "names no check"},
		{"//goroutinelint:ignore bogus why", true, []string{"bogus"}, "why", "unknown check bogus"},
	}
	for _, tt := range tests {
		fset := token.NewFileSet()
		src := "package p\n\n" + tt.comment + "\nvar x int\n"
		f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		d := parseDirective(fset, f.Comments[0].List[0])
		if (d != nil) != tt.isDir {
			t.Errorf("%q: directive=%v, want %v", tt.comment, d != nil, tt.isDir)
			continue
		}
		if d == nil {
			continue
		}
		if strings.Join(d.passes, ",") != strings.Join(tt.passes, ",") || d.reason != tt.reason {
			t.Errorf("%q: passes %q reason %q, want %q %q", tt.comment, d.passes, d.reason, tt.passes, tt.reason)
		}
		if p := d.problem(); (tt.problem == "") != (p == "") || !strings.Contains(p, tt.problem) {
			t.Errorf("%q: problem %q, want one containing %q", tt.comment, p, tt.problem)
		}
		if d.line != 3 {
			t.Errorf("%q: line %d, want 3", tt.comment, d.line)
		}
	}
}

func TestDirectiveOwner(t *testing.T) {
	for _, tt := range []struct {
		passes []string
		owner  string
	}{
		{[]string{"noexit", "clienttimeout"}, "noexit"},
		{[]string{"bogus", "unguardedsend"}, "unguardedsend"},
		{[]string{"bogus"}, KnownPasses[0]},
		{nil, KnownPasses[0]},
	} {
		d := &directive{passes: tt.passes}
		if got := d.owner(); got != tt.owner {
			t.Errorf("owner of %q = %s, want %s", tt.passes, got, tt.owner)
		}
	}
}
