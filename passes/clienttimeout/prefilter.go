package clienttimeout

import (
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// mentions records what a package names of the things this pass looks at.
type mentions struct {
	any           bool // anything at all: a client type, DefaultClient or its helpers, a bare-client helper
	defaultClient bool // http.DefaultClient or one of its helpers
	testServer    bool // a non-test file starts an httptest server
}

// scanMentions looks, in one pass over the identifiers' objects, for the
// http.Client type or a type that is, aliases or embeds it,
// http.DefaultClient and its helpers, and functions known to return a
// bare client. Every literal, new call, zero variable and call the pass
// judges names one of these through an identifier, so a package that names
// none has nothing to report or export. Go vet and the standalone driver
// run the pass over every dependency for its facts, where this scan is
// most of the cost.
func scanMentions(pass *analysis.Pass) mentions {
	helpers := make(map[types.Object]bool)
	for _, f := range pass.AllObjectFacts() {
		if _, ok := f.Fact.(*returnsBareClient); ok {
			helpers[f.Object] = true
		}
	}
	var m mentions
	for _, obj := range pass.TypesInfo.Uses {
		switch obj := obj.(type) {
		case *types.TypeName:
			if t := obj.Type(); isClient(t) || embeddedClientIndex(t) >= 0 {
				m.any = true
			}
		case *types.Var, *types.Func:
			if _, ok := defaultClientUse(obj); ok {
				m.any, m.defaultClient = true, true
			}
			if fn, ok := obj.(*types.Func); ok && helpers[fn.Origin()] {
				m.any = true
			}
			if isTestServerFunc(obj) {
				m.testServer = true
			}
		}
	}
	if m.testServer {
		m.testServer = startsTestServer(pass) // only a non-test file says what the package is for
	}
	return m
}

// isTestServerFunc reports whether obj is one of the net/http/httptest
// functions that start a server.
func isTestServerFunc(obj types.Object) bool {
	if obj.Pkg() == nil || obj.Pkg().Path() != "net/http/httptest" {
		return false
	}
	switch obj.Name() {
	case "NewServer", "NewTLSServer", "NewUnstartedServer":
		return true
	}
	return false
}

// startsTestServer reports whether a non-test file of the package names an
// httptest server constructor.
func startsTestServer(pass *analysis.Pass) bool {
	for id, obj := range pass.TypesInfo.Uses {
		if isTestServerFunc(obj) && !isTestFileName(pass.Fset.PositionFor(id.Pos(), false).Filename) {
			return true
		}
	}
	return false
}

// isTestPackage reports whether the package exists for tests: every file is
// a _test.go file, or a non-test file imports package testing or starts an
// httptest server (a test helper package, a mock server). Its clients talk
// to test servers and in-memory transports, where a hang fails the test run
// rather than stranding a goroutine in production.
func isTestPackage(pass *analysis.Pass, m mentions) bool {
	if m.testServer {
		return true
	}
	all := true
	for _, f := range pass.Files {
		if isTestFileName(pass.Fset.PositionFor(f.Pos(), false).Filename) {
			continue
		}
		all = false
		for _, imp := range f.Imports {
			if imp.Path.Value == `"testing"` {
				return true
			}
		}
	}
	return all
}
