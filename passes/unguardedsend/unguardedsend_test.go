package unguardedsend_test

import (
	"testing"

	"github.com/goroutinelint/goroutinelint/internal/passtest"
	"github.com/goroutinelint/goroutinelint/passes/unguardedsend"
)

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
	"unguardedsend/noreturn/...",
	"unguardedsend/sequential",
	"unguardedsend/partial/...",
	"unguardedsend/afterfunc",
	"unguardedsend/blocked",
	"unguardedsend/testsetup",
}

// fixtures is the unguardedsend fixture tree, loaded once for every test
// here.
var fixtures = passtest.Fixtures(nil, "unguardedsend/...", "golang.org/x/sync/errgroup")

func Test(t *testing.T) {
	t.Parallel()
	passtest.Run(t, fixtures, unguardedsend.New(unguardedsend.DefaultConfig()), defaultCases...)
}

func TestAnySpawner(t *testing.T) {
	t.Parallel()
	cfg := unguardedsend.DefaultConfig()
	cfg.AnySpawner = true
	passtest.Run(t, fixtures, unguardedsend.New(cfg), "unguardedsend/anyspawner")
}

func TestAnySpawnerFlag(t *testing.T) {
	t.Parallel()
	a := unguardedsend.New(unguardedsend.DefaultConfig())
	if err := a.Flags.Set("any-spawner", "true"); err != nil {
		t.Fatal(err)
	}
	passtest.Run(t, fixtures, a, "unguardedsend/anyspawner")
}

func TestSuggestedFixes(t *testing.T) {
	t.Parallel()
	passtest.RunWithSuggestedFixes(t, fixtures, unguardedsend.New(unguardedsend.DefaultConfig()), "unguardedsend/fix", "unguardedsend/fixfanout")
}

// TestDoc checks the form of Doc, which init extracts from doc.go.
func TestDoc(t *testing.T) {
	t.Parallel()
	passtest.CheckDoc(t, unguardedsend.Analyzer)
}
