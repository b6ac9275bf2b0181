package chanmodel_test

import (
	"bytes"
	"encoding/gob"
	"testing"

	"github.com/goroutinelint/goroutinelint/internal/chanmodel"
	"github.com/goroutinelint/goroutinelint/internal/passtest"
)

// fixtures holds the channel model's fixtures and, for the concurrency
// test, those of the passes that query the model; loaded once.
var fixtures = passtest.Fixtures(nil, "chanmodel/...", "noexit/...", "unguardedsend/...", "golang.org/x/sync/errgroup")

// maxFactBytes caps one encoded fact: summaries must stay small.
const maxFactBytes = 512

// Test checks the exported facts and caps their encoded size.
func Test(t *testing.T) {
	t.Parallel()
	roots := passtest.Run(t, fixtures, chanmodel.Analyzer, "chanmodel/...")
	total, n := 0, 0
	measure := func(of any, f any) {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(f); err != nil {
			t.Fatalf("encoding fact of %v: %v", of, err)
		}
		if buf.Len() > maxFactBytes {
			t.Errorf("fact of %v is %d bytes encoded, more than %d: %v", of, buf.Len(), maxFactBytes, f)
		}
		total += buf.Len()
		n++
	}
	for _, act := range roots {
		for _, of := range act.AllObjectFacts() {
			if of.Object.Pkg() == act.Package.Types { // a dependency's facts count where it exports them
				measure(of.Object, of.Fact)
			}
		}
		for _, pf := range act.AllPackageFacts() {
			if pf.Package == act.Package.Types {
				measure(pf.Package, pf.Fact)
			}
		}
	}
	if n == 0 {
		t.Fatal("no facts exported")
	}
	t.Logf("%d facts, %d bytes encoded", n, total)
}

// TestDoc checks the form of Doc, which init extracts from doc.go.
func TestDoc(t *testing.T) {
	t.Parallel()
	passtest.CheckDoc(t, chanmodel.Analyzer)
}
