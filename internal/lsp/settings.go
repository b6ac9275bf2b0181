package lsp

import (
	"encoding/json"
	"flag"
	"fmt"
	"sort"
	"strings"
)

// settings are the user's choices, named like the command-line flags:
// -<pass> and -<pass>.<flag>, which go to go vet, -tags, and -test.
type settings struct {
	flags []string // go vet flags, -name=value, sorted
	test  bool     // report findings in _test.go files
}

// settingsKey is the key under which a client's configuration holds ours,
// among other servers' settings.
const settingsKey = "goroutinelint"

// parseSettings reads settings from a JSON object such as
//
//	{"unguardedsend": false, "clienttimeout.fix-timeout": "10s", "tags": "integration", "test": false}
//
// or from the same object under a "goroutinelint" key. Names may carry the
// flag's dash. Bad names and values are reported and skipped; null means
// the defaults.
func parseSettings(raw json.RawMessage, passFlags func() *flag.FlagSet) (settings, []string) {
	s := settings{test: true}
	var obj map[string]json.RawMessage
	if len(raw) == 0 || string(raw) == "null" {
		return s, nil
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return s, []string{fmt.Sprintf("settings are not a JSON object: %s", raw)}
	}
	if inner, ok := obj[settingsKey]; ok {
		obj = nil
		if err := json.Unmarshal(inner, &obj); err != nil && string(inner) != "null" {
			return s, []string{fmt.Sprintf("%q settings are not a JSON object: %s", settingsKey, inner)}
		}
	}
	var fs *flag.FlagSet
	if passFlags != nil {
		fs = passFlags()
	}
	var warnings []string
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, key := range names {
		name := strings.TrimLeft(key, "-")
		value, err := settingValue(obj[key])
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("setting %q: %v", key, err))
			continue
		}
		switch {
		case name == "tags":
			s.flags = append(s.flags, "-tags="+value)
		case name == "test":
			if value != "true" && value != "false" {
				warnings = append(warnings, fmt.Sprintf("setting %q: want true or false", key))
				continue
			}
			s.test = value == "true"
		case fs == nil || fs.Lookup(name) == nil:
			warnings = append(warnings, fmt.Sprintf("unknown setting %q", key))
		default:
			if err := fs.Set(name, value); err != nil {
				warnings = append(warnings, fmt.Sprintf("setting %q: %v", key, err))
				continue
			}
			s.flags = append(s.flags, "-"+name+"="+value)
		}
	}
	sort.Strings(s.flags)
	return s, warnings
}

// settingValue renders a JSON scalar (or a list of strings, joined by
// commas as for -tags) as a flag value.
func settingValue(raw json.RawMessage) (string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	switch v := v.(type) {
	case bool:
		return fmt.Sprint(v), nil
	case string:
		return v, nil
	case float64:
		return string(raw), nil
	case []any:
		var parts []string
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return "", fmt.Errorf("want a string, a number, a boolean or a list of strings")
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("want a string, a number, a boolean or a list of strings")
}

// extractSettings removes our key from a JSON object and returns the object
// without it and our settings (nil if the key is absent). A value that is
// not an object is returned unchanged.
func extractSettings(raw json.RawMessage) (rest, ours json.RawMessage) {
	var obj map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &obj) != nil || obj == nil {
		return raw, nil
	}
	ours, ok := obj[settingsKey]
	if !ok {
		return raw, nil
	}
	delete(obj, settingsKey)
	rest, err := json.Marshal(obj)
	if err != nil {
		return raw, nil
	}
	return rest, ours
}
