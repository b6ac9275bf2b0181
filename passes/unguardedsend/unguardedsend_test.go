package unguardedsend_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroutinelint/goroutinelint/internal/passtest"
	"github.com/goroutinelint/goroutinelint/passes/unguardedsend"
)

// testdata returns the shared fixture root.
func testdata(t *testing.T) string { return passtest.TestData(t) }

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
	"unguardedsend/deferred",
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
	passtest.CheckDoc(t, "unguardedsend", unguardedsend.Doc)
}
