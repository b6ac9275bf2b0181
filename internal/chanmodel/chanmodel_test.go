package chanmodel_test

import (
	"bytes"
	"encoding/gob"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroutinelint/goroutinelint/internal/chanmodel"
	"github.com/goroutinelint/goroutinelint/internal/passtest"
)

// testdata returns the shared fixture root.
func testdata(t *testing.T) string { return passtest.TestData(t) }

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
	passtest.CheckDoc(t, "chanmodel", chanmodel.Doc)
}
