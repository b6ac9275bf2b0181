package main

import (
	"bytes"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
)

// fixSource is the file the in-process fix tests edit.
const fixSource = `package p

import "net/http"

var a = &http.Client{}
var b = &http.Client{}
var c = http.DefaultClient
`

// fixFindings returns findings on a copy of fixSource in dir, as a pass
// would report them: a and b each get a fix inserting a Timeout and the
// same "time" import; a second fix on a overlaps the first; c has none.
func fixFindings(t *testing.T, dir string) (string, []finding) {
	t.Helper()
	name := filepath.Join(dir, "p.go")
	if err := os.WriteFile(name, []byte(fixSource), 0o644); err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	tf := fset.AddFile(name, -1, len(fixSource))
	tf.SetLinesForContent([]byte(fixSource))
	at := func(s string) token.Pos { return tf.Pos(strings.Index(fixSource, s)) }
	insert := func(p token.Pos, text string) analysis.TextEdit {
		return analysis.TextEdit{Pos: p, End: p, NewText: []byte(text)}
	}
	importTime := insert(at(`import "net/http"`), "import \"time\"\n")
	timeoutA := insert(at("}\nvar b"), "Timeout: time.Second")
	timeoutB := insert(at("}\nvar c"), "Timeout: time.Second")
	find := func(pos token.Pos, msg string, fixes ...analysis.SuggestedFix) finding {
		d := analysis.Diagnostic{Pos: pos, Message: msg, SuggestedFixes: fixes}
		return finding{analyzer: "clienttimeout", pkgPath: "p", fset: fset, posn: fset.Position(pos), diag: d}
	}
	fix := func(edits ...analysis.TextEdit) analysis.SuggestedFix {
		return analysis.SuggestedFix{Message: "Add Timeout", TextEdits: edits}
	}
	findings := []finding{
		find(at("http.Client{}\nvar b"), "a has no Timeout", fix(importTime, timeoutA)),
		find(at("&http.Client{}\nvar b"), "a again, differently", fix(insert(at("}\nvar b"), "Timeout: 0"))),
		find(at("http.Client{}\nvar c"), "b has no Timeout", fix(importTime, timeoutB)),
		find(at("http.DefaultClient"), "c has no Timeout"),
	}
	return name, findings
}

// fixedSource is fixSource after the fixes of a and b, formatted.
const fixedSource = `package p

import "time"
import "net/http"

var a = &http.Client{Timeout: time.Second}
var b = &http.Client{Timeout: time.Second}
var c = http.DefaultClient
`

func TestApplyFixes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name, findings := fixFindings(t, dir)
	var stdout, stderr bytes.Buffer
	c := &command{stdout: &stdout, stderr: &stderr, cwd: dir, fix: true}
	if code := c.applyFixes(findings); code != exitFindings {
		t.Errorf("exit code %d, want 1: findings are left", code)
	}
	if got := readFile(t, name); got != fixedSource {
		t.Errorf("fixed file:\n%s\nwant:\n%s", got, fixedSource)
	}
	wantStderr := `goroutinelint: p.go:5:9: fix "Add Timeout" not applied: it overlaps another fix; run again to apply it
p.go:5:9: a again, differently
p.go:7:9: c has no Timeout
`
	if stderr.String() != wantStderr || stdout.Len() > 0 {
		t.Errorf("stdout:\n%s\nstderr:\n%s\nwant stderr:\n%s", stdout.String(), stderr.String(), wantStderr)
	}
}

func TestApplyFixesDiff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name, findings := fixFindings(t, dir)
	var stdout, stderr bytes.Buffer
	c := &command{stdout: &stdout, stderr: &stderr, cwd: dir, fix: true, diff: true}
	if code := c.applyFixes(findings); code != exitFindings {
		t.Errorf("exit code %d, want 1", code)
	}
	if got := readFile(t, name); got != fixSource {
		t.Errorf("-diff wrote the file:\n%s", got)
	}
	if want := unifiedDiff("a/p.go", "b/p.go", fixSource, fixedSource); stdout.String() != want {
		t.Errorf("diff:\n%s\nwant:\n%s", stdout.String(), want)
	}
}

// TestApplyFixesAllFixed checks the exit code when every finding is fixed.
func TestApplyFixesAllFixed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, findings := fixFindings(t, dir)
	findings = []finding{findings[0], findings[2]}
	var stdout, stderr bytes.Buffer
	c := &command{stdout: &stdout, stderr: &stderr, cwd: dir, fix: true}
	if code := c.applyFixes(findings); code != exitClean || stderr.Len() > 0 {
		t.Errorf("exit code %d, stderr:\n%s\nwant 0 and nothing", code, stderr.String())
	}
}

// TestApplyFixesInvalid checks that a fix that breaks the syntax leaves
// the file alone and its finding unfixed.
func TestApplyFixesInvalid(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name, findings := fixFindings(t, dir)
	bad := findings[3]
	p := bad.diag.Pos
	bad.diag.SuggestedFixes = []analysis.SuggestedFix{{Message: "Break it", TextEdits: []analysis.TextEdit{{Pos: p, End: p, NewText: []byte("{{")}}}}
	var stdout, stderr bytes.Buffer
	c := &command{stdout: &stdout, stderr: &stderr, cwd: dir, fix: true}
	if code := c.applyFixes([]finding{bad}); code != exitFindings {
		t.Errorf("exit code %d, want 1", code)
	}
	if got := readFile(t, name); got != fixSource {
		t.Errorf("file changed:\n%s", got)
	}
	if !strings.Contains(stderr.String(), "p.go left unchanged: the fixed file does not parse") ||
		!strings.HasSuffix(stderr.String(), "p.go:7:9: c has no Timeout\n") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}

func TestPrintText(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	src := "package p\n\nvar x = 1\nvar y = 2\n"
	f := fset.AddFile("/m/p.go", -1, len(src))
	f.SetLinesForContent([]byte(src))
	g := fset.AddFile("/m/a.go", -1, len(src))
	g.SetLinesForContent([]byte(src))
	mk := func(file *token.File, off int, msg string, related ...analysis.RelatedInformation) finding {
		d := analysis.Diagnostic{Pos: file.Pos(off), Message: msg, Related: related}
		return finding{fset: fset, posn: fset.Position(d.Pos), diag: d}
	}
	findings := []finding{
		mk(f, 25, "second in p.go", analysis.RelatedInformation{Pos: f.Pos(11), Message: "made here"}),
		mk(f, 11, "first in p.go"),
		mk(g, 11, "in a.go"),
		mk(f, 25, "second in p.go", analysis.RelatedInformation{Pos: f.Pos(11), Message: "made here"}), // the same, from a test variant
	}
	findings = sortFindings(findings)
	var stderr bytes.Buffer
	c := &command{stderr: &stderr, cwd: "/m"}
	if code := c.printText(findings); code != exitFindings {
		t.Errorf("exit code %d, want 1", code)
	}
	want := "a.go:3:1: in a.go\np.go:3:1: first in p.go\np.go:4:5: second in p.go\n\tp.go:3:1: made here\n"
	if stderr.String() != want {
		t.Errorf("printed:\n%s\nwant:\n%s", stderr.String(), want)
	}
	stderr.Reset()
	if code := c.printText(nil); code != exitClean || stderr.Len() > 0 {
		t.Errorf("no findings: exit code %d, printed %q", code, stderr.String())
	}
}
