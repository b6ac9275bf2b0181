package chanmodel_test

import (
	"path/filepath"
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

func Test(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, testdata(t), chanmodel.Analyzer, "chanmodel/...")
}
