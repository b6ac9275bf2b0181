package analyzer_test

import (
	"flag"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/goroutinelint/goroutinelint/analyzer"
	"github.com/goroutinelint/goroutinelint/internal/passtest"
)

// build runs the registered plugin's constructor and BuildAnalyzers, as
// golangci-lint does.
func build(t *testing.T, settings any) ([]*analysis.Analyzer, error) {
	t.Helper()
	newPlugin, err := register.GetPlugin(analyzer.PluginName)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(settings)
	if err != nil {
		return nil, err
	}
	if mode := p.GetLoadMode(); mode != register.LoadModeTypesInfo {
		t.Errorf("load mode %q, want %q", mode, register.LoadModeTypesInfo)
	}
	return p.BuildAnalyzers()
}

func TestPluginDefaultsRunAllPasses(t *testing.T) {
	t.Parallel()
	got, err := build(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := analyzer.All(analyzer.DefaultConfig())
	if len(got) != len(want) {
		t.Fatalf("plugin built %d analyzers, All has %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name {
			t.Errorf("analyzer %d is %s, want %s", i, got[i].Name, want[i].Name)
		}
	}
	again, _ := build(t, nil)
	if again[0] == got[0] {
		t.Error("BuildAnalyzers returned the same analyzer twice; want fresh ones")
	}
}

// TestEveryFlagHasASetting fails when a flag of All() cannot be set from
// .golangci.yml: each is set to a value unlike its default and read back.
func TestEveryFlagHasASetting(t *testing.T) {
	t.Parallel()
	for _, a := range analyzer.All(analyzer.DefaultConfig()) {
		a.Flags.VisitAll(func(f *flag.Flag) {
			value := otherValue(t, f)
			got, err := build(t, map[string]any{a.Name: map[string]any{f.Name: value}})
			if err != nil {
				t.Errorf("setting %s.%s=%v: %v", a.Name, f.Name, value, err)
				return
			}
			for _, b := range got {
				if b.Name != a.Name {
					continue
				}
				if v := b.Flags.Lookup(f.Name).Value.String(); v == f.DefValue {
					t.Errorf("setting %s.%s=%v left it at its default %q", a.Name, f.Name, value, v)
				}
			}
		})
		got, err := build(t, map[string]any{a.Name: map[string]any{"enabled": false}})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range got {
			if b.Name == a.Name {
				t.Errorf("%s.enabled=false left the pass enabled", a.Name)
			}
		}
	}
}

// otherValue returns a setting value, as YAML would decode it, that differs
// from the flag's default.
func otherValue(t *testing.T, f *flag.Flag) any {
	switch f.DefValue {
	case "true":
		return false
	case "false":
		return true
	}
	if strings.HasSuffix(f.DefValue, "s") || strings.HasSuffix(f.DefValue, "m0s") {
		return "17s"
	}
	t.Fatalf("flag %s has a default %q this test cannot vary; extend otherValue", f.Name, f.DefValue)
	return nil
}

func TestPluginRejectsBadSettings(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		settings any
		want     string
	}{
		{map[string]any{"clienttimout": map[string]any{}}, `unknown check "clienttimout" in settings (checks: clienttimeout, noexit, unguardedsend)`},
		{map[string]any{"clienttimout": 3}, `unknown check "clienttimout" in settings`},
		{map[string]any{"clienttimeout": map[string]any{"default-clients": false}}, "unknown setting clienttimeout.default-clients"},
		{map[string]any{"clienttimeout": map[string]any{"enabled": "no"}}, "clienttimeout.enabled must be true or false"},
		{map[string]any{"clienttimeout": map[string]any{"fix-timeout": "soon"}}, "setting clienttimeout.fix-timeout"},
		// A scalar where a check's map of settings belongs names the key and
		// the shape expected, not the JSON decoder's Go types (issue 11).
		{map[string]any{"clienttimeout": 3}, `settings.clienttimeout must be a map of clienttimeout's settings (enabled, default-client, `},
		{map[string]any{"tests": true}, `settings.tests is not a check: clienttimeout's settings go under its name, as in "clienttimeout: {tests: true}"`},
		{map[string]any{"generated": true}, `settings.generated is not a check: a check's settings go under its name, as in "clienttimeout: {generated: true}" (checks with this setting: clienttimeout, noexit, unguardedsend)`},
		{map[string]any{"noexit": map[string]any{}, "unguardedsend": []any{"any-spawner"}}, "settings.unguardedsend must be a map of unguardedsend's settings"},
		{true, `settings must map check names to their settings, as in "clienttimeout: {tests: true}"; got true`},
	} {
		_, err := build(t, tt.settings)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("settings %v: error %v, want one containing %q", tt.settings, err, tt.want)
		} else if strings.Contains(err.Error(), "decoding settings") || strings.Contains(err.Error(), "Go value") {
			t.Errorf("settings %v: error %v speaks of JSON decoding, not of the settings' shape", tt.settings, err)
		}
	}
}

// testsflag is the fixture of clienttimeout's tests flag.
var testsflag = passtest.Fixtures(nil, "clienttimeout/testsflag")

// TestPluginSettingChangesFindings runs the built analyzers on a fixture: the
// default-client part is off, so only the test-file flag fixture is quiet.
func TestPluginSettingChangesFindings(t *testing.T) {
	t.Parallel()
	analyzers, err := build(t, map[string]any{"clienttimeout": map[string]any{"tests": true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range analyzers {
		if a.Name == "clienttimeout" {
			passtest.Run(t, testsflag, a, "clienttimeout/testsflag")
		}
	}
}
