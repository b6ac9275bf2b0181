package noexit_test

import (
	"testing"

	"github.com/goroutinelint/goroutinelint/internal/passtest"
	"github.com/goroutinelint/goroutinelint/passes/noexit"
)

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
	"noexit/engine",
	"noexit/testsetup",
	"noexit/lock",
	"noexit/waitgroup",
	"noexit/cond",
}

// fixtures is the noexit fixture tree, loaded once for every test here.
var fixtures = passtest.Fixtures(nil, "noexit/...", "golang.org/x/sync/errgroup")

func Test(t *testing.T) {
	t.Parallel()
	passtest.Run(t, fixtures, noexit.New(noexit.DefaultConfig()), defaultCases...)
}

func TestDaemons(t *testing.T) {
	t.Parallel()
	cfg := noexit.DefaultConfig()
	cfg.Main = true
	passtest.Run(t, fixtures, noexit.New(cfg), "noexit/mainflag")
}

func TestDaemonsFlag(t *testing.T) {
	t.Parallel()
	a := noexit.New(noexit.DefaultConfig())
	if err := a.Flags.Set("main", "true"); err != nil {
		t.Fatal(err)
	}
	passtest.Run(t, fixtures, a, "noexit/mainflag")
}

// TestDoc checks the form of Doc, which init extracts from doc.go.
func TestDoc(t *testing.T) {
	t.Parallel()
	passtest.CheckDoc(t, noexit.Analyzer)
}
