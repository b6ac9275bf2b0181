package noexit_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroutinelint/goroutinelint/internal/passtest"
	"github.com/goroutinelint/goroutinelint/passes/noexit"
)

// testdata returns the shared fixture root.
func testdata(t *testing.T) string { return passtest.TestData(t) }

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
	"noexit/deferred",
	"noexit/policy",
	"noexit/policymain",
	"noexit/fields",
	"noexit/blocked",
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
	passtest.CheckDoc(t, "noexit", noexit.Doc)
}
