// Package passtest holds what the passes' tests share: fixture trees loaded
// once per test binary, Run and RunWithSuggestedFixes to check analyzers
// against the // want comments of fixtures, and the check of a Doc's form.
package passtest

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
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

// CheckDoc checks an analyzer's Doc, extracted from its doc.go at init, as
// STYLE.md (section 3) wants it: a title, a lowercase phrase of at most 60
// characters with no period, then a blank line and a body.
func CheckDoc(t testing.TB, a *analysis.Analyzer) {
	t.Helper()
	title, body, ok := strings.Cut(a.Doc, "\n\n")
	if !ok || strings.TrimSpace(body) == "" {
		t.Errorf("%s: Doc has no body after its title: %q", a.Name, a.Doc)
	}
	if title == "" || strings.Contains(title, "\n") || len(title) > 60 || strings.HasSuffix(title, ".") ||
		strings.ToLower(title[:1]) != title[:1] || strings.HasPrefix(title, a.Name+":") {
		t.Errorf("%s: title %q: want one line, a lowercase phrase of at most 60 characters with no period", a.Name, title)
	}
}
