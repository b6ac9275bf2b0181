package unguardedsend_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroutinelint/goroutinelint/passes/unguardedsend"
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
// anyspawner holds expectations for its flag only.
var defaultCases = []string{
	"unguardedsend/basic",
	"unguardedsend/negative",
	"unguardedsend/generics",
	"unguardedsend/spawns",
	"unguardedsend/handler",
	"unguardedsend/facts/...",
	"unguardedsend/fix",
	"unguardedsend/params",
	"unguardedsend/odd",
}

func Test(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, testdata(t), unguardedsend.New(unguardedsend.DefaultConfig()), defaultCases...)
}

func TestAnySpawner(t *testing.T) {
	t.Parallel()
	cfg := unguardedsend.DefaultConfig()
	cfg.AnySpawner = true
	analysistest.Run(t, testdata(t), unguardedsend.New(cfg), "unguardedsend/anyspawner")
}

func TestAnySpawnerFlag(t *testing.T) {
	t.Parallel()
	a := unguardedsend.New(unguardedsend.DefaultConfig())
	if err := a.Flags.Set("any-spawner", "true"); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata(t), a, "unguardedsend/anyspawner")
}

func TestSuggestedFixes(t *testing.T) {
	t.Parallel()
	analysistest.RunWithSuggestedFixes(t, testdata(t), unguardedsend.New(unguardedsend.DefaultConfig()), "unguardedsend/fix", "unguardedsend/fixfanout")
}

// TestDoc checks that const Doc is the package comment without its first
// sentence, heading and "unguardedsend: " prefix.
func TestDoc(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.Doc == nil {
		t.Fatal("doc.go has no package comment")
	}
	text := f.Doc.Text()
	_, rest, ok := strings.Cut(text, "# Analyzer unguardedsend\n\n")
	if !ok {
		t.Fatal("package comment has no '# Analyzer unguardedsend' heading")
	}
	rest, ok = strings.CutPrefix(rest, "unguardedsend: ")
	if !ok {
		t.Fatal("package comment's title line does not start with 'unguardedsend: '")
	}
	if got, want := strings.TrimSpace(rest), strings.TrimSpace(unguardedsend.Doc); got != want {
		t.Errorf("package comment and Doc differ:\ncomment:\n%s\n\nDoc:\n%s", got, want)
	}
	title, _, _ := strings.Cut(unguardedsend.Doc, "\n")
	if len(title) > 60 || strings.HasSuffix(title, ".") || strings.ToLower(title[:1]) != title[:1] {
		t.Errorf("title %q: want a lowercase phrase of at most 60 characters with no period", title)
	}
}
