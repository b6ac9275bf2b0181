// Package passtest holds what the passes' tests share: the fixture root and
// the check that an analyzer's Doc is its package comment.
package passtest

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// TestData returns the repository's fixture root (or a directory below it)
// as an absolute path: the go command rejects a relative GOPATH.
func TestData(t testing.TB, elem ...string) string {
	t.Helper()
	dir, err := testdataDir(elem...)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// CheckDoc checks that doc, an analyzer's Doc, is the package comment of
// doc.go in the test's directory after its "# Analyzer <name>" heading and
// "<name>: " prefix, and that its title is a lowercase phrase of at most 60
// characters with no period (STYLE.md, section 3).
func CheckDoc(t testing.TB, name, doc string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.Doc == nil {
		t.Fatal("doc.go has no package comment")
	}
	_, rest, ok := strings.Cut(f.Doc.Text(), "# Analyzer "+name+"\n\n")
	if !ok {
		t.Fatalf("package comment has no '# Analyzer %s' heading", name)
	}
	rest, ok = strings.CutPrefix(rest, name+": ")
	if !ok {
		t.Fatalf("package comment's title line does not start with '%s: '", name)
	}
	if got, want := strings.TrimSpace(rest), strings.TrimSpace(doc); got != want {
		t.Errorf("package comment and Doc differ:\ncomment:\n%s\n\nDoc:\n%s", got, want)
	}
	title, _, _ := strings.Cut(doc, "\n")
	if title == "" || len(title) > 60 || strings.HasSuffix(title, ".") || strings.ToLower(title[:1]) != title[:1] {
		t.Errorf("title %q: want a lowercase phrase of at most 60 characters with no period", title)
	}
}
