package chanmodel_test

import (
	"bytes"
	"encoding/gob"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroutinelint/goroutinelint/internal/chanmodel"
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

// maxFactBytes caps one encoded fact: summaries must stay small.
const maxFactBytes = 512

// Test checks the exported facts and caps their encoded size.
func Test(t *testing.T) {
	t.Parallel()
	results := analysistest.Run(t, testdata(t), chanmodel.Analyzer, "chanmodel/...")
	total, n := 0, 0
	for _, r := range results {
		for obj, facts := range r.Facts {
			for _, f := range facts {
				var buf bytes.Buffer
				if err := gob.NewEncoder(&buf).Encode(f); err != nil {
					t.Fatalf("encoding fact of %v: %v", obj, err)
				}
				if buf.Len() > maxFactBytes {
					t.Errorf("fact of %v is %d bytes encoded, more than %d: %v", obj, buf.Len(), maxFactBytes, f)
				}
				total += buf.Len()
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no facts exported")
	}
	t.Logf("%d facts, %d bytes encoded", n, total)
}

// TestDoc checks that const Doc is the package comment without its first
// sentence, heading and "chanmodel: " prefix.
func TestDoc(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.Doc == nil {
		t.Fatal("doc.go has no package comment")
	}
	_, rest, ok := strings.Cut(f.Doc.Text(), "# Analyzer chanmodel\n\n")
	if !ok {
		t.Fatal("package comment has no '# Analyzer chanmodel' heading")
	}
	rest, ok = strings.CutPrefix(rest, "chanmodel: ")
	if !ok {
		t.Fatal("package comment's title line does not start with 'chanmodel: '")
	}
	if got, want := strings.TrimSpace(rest), strings.TrimSpace(chanmodel.Doc); got != want {
		t.Errorf("package comment and Doc differ:\ncomment:\n%s\n\nDoc:\n%s", got, want)
	}
}
