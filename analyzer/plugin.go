package analyzer

import (
	"flag"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
)

// PluginName is the linter's name under linters.settings.custom in
// .golangci.yml, and the word //nolint: takes.
const PluginName = "goroutinelint"

func init() {
	register.Plugin(PluginName, newPlugin)
}

// Settings are the golangci-lint settings: for each check (pass), by its
// name, the check's flags by their names (as -<check>.<flag> on the command
// line), plus "enabled" to turn the check off:
//
//	settings:
//	  clienttimeout:
//	    fix-timeout: 10s
//	    default-client: false
//	  noexit:
//	    enabled: false
//
// Keys are checked against the passes' flags, so a new pass or flag needs no
// plugin code, and a misspelled key, or a value of the wrong shape, is an
// error that names it.
type Settings map[string]PassSettings

// PassSettings are one pass's settings: flag name to value.
type PassSettings map[string]any

// enabledKey turns a pass on or off in PassSettings.
const enabledKey = "enabled"

// plugin is the golangci-lint module plugin.
type plugin struct {
	settings Settings
}

// newPlugin decodes and validates the settings, so that a mistake fails when
// golangci-lint starts, naming the key.
func newPlugin(raw any) (register.LinterPlugin, error) {
	if err := checkShape(raw, All(DefaultConfig())); err != nil {
		return nil, err
	}
	settings, err := register.DecodeSettings[Settings](raw)
	if err != nil {
		return nil, err
	}
	if _, err := settings.apply(All(DefaultConfig())); err != nil {
		return nil, err
	}
	return &plugin{settings: settings}, nil
}

// checkShape checks that raw maps check names to maps, so that a value
// of the wrong shape (a flag written directly under settings, as in
// "settings: {tests: true}") gets an error naming the key and the expected
// shape instead of the JSON decoder's message about Go types.
func checkShape(raw any, analyzers []*analysis.Analyzer) error {
	top, err := register.DecodeSettings[map[string]any](raw)
	if err != nil {
		return fmt.Errorf("goroutinelint: settings must map check names to their settings, as in \"clienttimeout: {tests: true}\"; got %v", raw)
	}
	byName := make(map[string]*analysis.Analyzer)
	for _, a := range analyzers {
		byName[a.Name] = a
	}
	for _, key := range sortedKeys(top) {
		value := top[key]
		if _, ok := value.(map[string]any); ok || value == nil {
			continue // a map of settings, or an empty one ("noexit:")
		}
		if a := byName[key]; a != nil {
			return fmt.Errorf("goroutinelint: settings.%s must be a map of %s's settings (%s), as in \"%s: {enabled: false}\", not %v",
				key, key, strings.Join(settingNames(a), ", "), key, value)
		}
		var owners []string
		for _, a := range analyzers {
			if a.Flags.Lookup(key) != nil || key == enabledKey {
				owners = append(owners, a.Name)
			}
		}
		if len(owners) == 0 {
			return fmt.Errorf("goroutinelint: unknown check %q in settings (checks: %s)", key, strings.Join(sortedKeys(byName), ", "))
		}
		if len(owners) == 1 {
			return fmt.Errorf("goroutinelint: settings.%s is not a check: %s's settings go under its name, as in \"%s: {%s: %v}\"",
				key, owners[0], owners[0], key, value)
		}
		return fmt.Errorf("goroutinelint: settings.%s is not a check: a check's settings go under its name, as in \"%s: {%s: %v}\" (checks with this setting: %s)",
			key, owners[0], key, value, strings.Join(owners, ", "))
	}
	return nil
}

// settingNames returns the keys a's settings take: enabled, then its flags.
func settingNames(a *analysis.Analyzer) []string {
	names := []string{enabledKey}
	a.Flags.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}

// BuildAnalyzers returns fresh analyzers with the settings applied.
func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return p.settings.apply(All(DefaultConfig()))
}

// GetLoadMode asks for type information: the passes build SSA.
func (p *plugin) GetLoadMode() string { return register.LoadModeTypesInfo }

// apply sets each setting on the matching analyzer's flag and returns the
// enabled analyzers. analyzers must be fresh: their flags are changed.
func (s Settings) apply(analyzers []*analysis.Analyzer) ([]*analysis.Analyzer, error) {
	byName := make(map[string]*analysis.Analyzer)
	for _, a := range analyzers {
		byName[a.Name] = a
	}
	var enabled []*analysis.Analyzer
	for _, name := range sortedKeys(s) {
		if byName[name] == nil {
			return nil, fmt.Errorf("goroutinelint: unknown check %q in settings (checks: %s)", name, strings.Join(sortedKeys(byName), ", "))
		}
	}
	for _, a := range analyzers {
		on, err := s[a.Name].applyTo(a)
		if err != nil {
			return nil, err
		}
		if on {
			enabled = append(enabled, a)
		}
	}
	return enabled, nil
}

// applyTo sets ps on a's flags and reports whether a stays enabled.
func (ps PassSettings) applyTo(a *analysis.Analyzer) (bool, error) {
	on := true
	for _, key := range sortedKeys(ps) {
		value := fmt.Sprint(ps[key])
		if key == enabledKey {
			b, ok := ps[key].(bool)
			if !ok {
				return false, fmt.Errorf("goroutinelint: %s.%s must be true or false, not %q", a.Name, key, value)
			}
			on = b
			continue
		}
		f := a.Flags.Lookup(key)
		if f == nil {
			return false, fmt.Errorf("goroutinelint: unknown setting %s.%s (settings of %s: %s)", a.Name, key, a.Name, strings.Join(settingNames(a), ", "))
		}
		if err := f.Value.Set(value); err != nil {
			return false, fmt.Errorf("goroutinelint: setting %s.%s: %v", a.Name, key, err)
		}
	}
	return on, nil
}

// sortedKeys returns a map's keys in order, for deterministic errors.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return slices.Clip(keys)
}
