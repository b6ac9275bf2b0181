package noexit_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroutinelint/goroutinelint/passes/noexit"
)

// testdata returns the module's root testdata directory as an absolute path.
func testdata(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// defaultCases are the fixture packages checked with the default config;
// mainflag holds expectations for -noexit.main only.
var defaultCases = []string{
	"noexit/basic",
	"noexit/negative",
	"noexit/unclosed",
	"noexit/early",
	"noexit/generics",
	"noexit/methods",
	"noexit/initworkers",
	"noexit/queue",
	"noexit/facts/...",
	"noexit/daemon",
}

func Test(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, testdata(t), noexit.New(noexit.DefaultConfig()), defaultCases...)
}

func TestDaemons(t *testing.T) {
	t.Parallel()
	cfg := noexit.DefaultConfig()
	cfg.Main = true
	analysistest.Run(t, testdata(t), noexit.New(cfg), "noexit/mainflag")
}

func TestDaemonsFlag(t *testing.T) {
	t.Parallel()
	a := noexit.New(noexit.DefaultConfig())
	if err := a.Flags.Set("main", "true"); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata(t), a, "noexit/mainflag")
}

// TestDoc checks that const Doc is the package comment without its first
// sentence, heading and "noexit: " prefix.
func TestDoc(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.Doc == nil {
		t.Fatal("doc.go has no package comment")
	}
	_, rest, ok := strings.Cut(f.Doc.Text(), "# Analyzer noexit\n\n")
	if !ok {
		t.Fatal("package comment has no '# Analyzer noexit' heading")
	}
	rest, ok = strings.CutPrefix(rest, "noexit: ")
	if !ok {
		t.Fatal("package comment's title line does not start with 'noexit: '")
	}
	if got, want := strings.TrimSpace(rest), strings.TrimSpace(noexit.Doc); got != want {
		t.Errorf("package comment and Doc differ:\ncomment:\n%s\n\nDoc:\n%s", got, want)
	}
	title, _, _ := strings.Cut(noexit.Doc, "\n")
	if len(title) > 60 || strings.HasSuffix(title, ".") || strings.ToLower(title[:1]) != title[:1] {
		t.Errorf("title %q: want a lowercase phrase of at most 60 characters with no period", title)
	}
}
