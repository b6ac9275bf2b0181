package clienttimeout_test

import (
	"strings"
	"testing"

	"github.com/goroutinelint/goroutinelint/internal/passtest"
	"github.com/goroutinelint/goroutinelint/passes/clienttimeout"
)

// fixtures is the clienttimeout fixture tree, loaded once for every test
// here; modules holds the module fixtures, their dependency in another
// module included.
var (
	fixtures = passtest.Fixtures(nil, "clienttimeout/...")
	modules  = passtest.Fixtures([]string{"modules", "clienttimeout"}, "example.com/app/...", "example.com/lib/...")
)

func Test(t *testing.T) {
	t.Parallel()
	passtest.Run(t, fixtures, clienttimeout.New(clienttimeout.DefaultConfig()),
		"clienttimeout/basic", "clienttimeout/negative", "clienttimeout/generics", "clienttimeout/directive",
		"clienttimeout/indirect/...", "clienttimeout/testpkgs/...", "clienttimeout/facts/...", "clienttimeout/fallback", "clienttimeout/transport", "clienttimeout/unreachable")
}

func TestSuggestedFixes(t *testing.T) {
	t.Parallel()
	passtest.RunWithSuggestedFixes(t, fixtures, clienttimeout.New(clienttimeout.DefaultConfig()),
		"clienttimeout/fix", "clienttimeout/fixsingle", "clienttimeout/fixrenamed")
}

// TestTestsFlag checks that -clienttimeout.tests reports clients in _test.go
// files and in packages for tests, which the default configuration leaves
// alone (see clienttimeout/basic/basic_test.go and clienttimeout/testpkgs).
func TestTestsFlag(t *testing.T) {
	t.Parallel()
	cfg := clienttimeout.DefaultConfig()
	cfg.Tests = true
	passtest.Run(t, fixtures, clienttimeout.New(cfg), "clienttimeout/testsflag/...")
}

// TestTestValues checks that a value a _test.go file builds without the
// client counts for the nil-fallback rule only with -clienttimeout.tests:
// the fallback in testvalues.go is silent by default, and with the flag it
// is reported in the package's test variant alone (the plain package has no
// such value).
func TestTestValues(t *testing.T) {
	t.Parallel()
	fallbacks := func(cfg clienttimeout.Config) (plain, test int) {
		for _, act := range passtest.Run(&quietT{t}, fixtures, clienttimeout.New(cfg), "clienttimeout/testvalues") {
			for _, d := range act.Diagnostics {
				if !strings.Contains(d.Message, "http.DefaultClient has no Timeout") {
					t.Errorf("unexpected diagnostic: %s", d.Message)
				}
				if strings.HasSuffix(act.Package.ID, ".test]") {
					test++
				} else {
					plain++
				}
			}
		}
		return plain, test
	}
	if plain, test := fallbacks(clienttimeout.DefaultConfig()); plain != 0 || test != 0 {
		t.Errorf("default: %d findings in the plain package, %d in the test variant; want none", plain, test)
	}
	cfg := clienttimeout.DefaultConfig()
	cfg.Tests = true
	if plain, test := fallbacks(cfg); plain != 0 || test != 1 {
		t.Errorf("with -clienttimeout.tests: %d findings in the plain package, %d in the test variant; want 0 and 1", plain, test)
	}
}

// TestFlagsBindConfig checks that flags set after New reach the run.
func TestFlagsBindConfig(t *testing.T) {
	t.Parallel()
	a := clienttimeout.New(clienttimeout.DefaultConfig())
	if err := a.Flags.Set("tests", "true"); err != nil {
		t.Fatal(err)
	}
	passtest.Run(t, fixtures, a, "clienttimeout/testsflag")
}

// TestDefaultClientOff checks -clienttimeout.default-client=false: the
// package's literals are still reported, the default client is not.
func TestDefaultClientOff(t *testing.T) {
	t.Parallel()
	cfg := clienttimeout.DefaultConfig()
	cfg.DefaultClient = false
	roots := passtest.Run(&quietT{t}, fixtures, clienttimeout.New(cfg), "clienttimeout/basic")
	var literal, defaults int
	for _, act := range roots {
		for _, d := range act.Diagnostics {
			switch d.Category {
			case "default":
				defaults++
			case "literal":
				literal++
			}
		}
	}
	if defaults != 0 || literal == 0 {
		t.Errorf("with default-client=false: %d default-client findings, %d literal findings; want 0 and some", defaults, literal)
	}
}

// TestCrossModule checks the helper fact: a dependency in another module
// that returns a client without a Timeout is reported at the call, one in
// the same module where it builds the client.
func TestCrossModule(t *testing.T) {
	t.Parallel()
	passtest.Run(t, modules, clienttimeout.New(clienttimeout.DefaultConfig()),
		"example.com/app/...")
}

// TestDoc checks the form of Doc, which init extracts from doc.go.
func TestDoc(t *testing.T) {
	t.Parallel()
	passtest.CheckDoc(t, clienttimeout.Analyzer)
}

// quietT lets a test inspect results while ignoring want mismatches, for
// configurations whose expectations differ from the fixture's comments.
type quietT struct{ *testing.T }

func (quietT) Errorf(string, ...any) {}
