package integration

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestGolangciLintPlugin builds golangci-lint v2.15.0 with the plugin from
// this working tree and runs it on a fixture module with the README's
// .golangci.yml: the exact findings, a setting that changes them, a
// misspelt setting, both suppression comments, and --fix.
func TestGolangciLintPlugin(t *testing.T) {
	requireHeavy(t)
	gcl := filepath.Join(t.TempDir(), "golangci-lint-goroutinelint")
	if out, code := run(t, repoRoot(t), nil, "bash", filepath.Join(repoRoot(t), "scripts", "build-golangci.sh"), gcl); code != 0 {
		t.Fatalf("building golangci-lint with the plugin failed (exit %d):\n%s", code, out)
	}
	config := readmeBlock(t, "golangci.yml", "yaml")
	cache := []string{"GOLANGCI_LINT_CACHE=" + t.TempDir(), "GOFLAGS=-mod=mod", "GOWORK=off"}
	lint := func(t *testing.T, config string, extra ...string) (string, int, string) {
		t.Helper()
		dir := copyDir(t, filepath.Join("testdata", "gclmod"))
		if err := os.WriteFile(filepath.Join(dir, ".golangci.yml"), []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"run", "--output.text.print-issued-lines=false", "--output.text.colors=false"}, extra...)
		out, code := run(t, dir, cache, gcl, append(args, "./...")...)
		return out, code, dir
	}

	t.Run("findings", func(t *testing.T) {
		out, code, _ := lint(t, config)
		got := lines(out, "(goroutinelint)")
		want := []string{
			"client.go:8:10: clienttimeout: http.Client has no Timeout: a request to an unresponsive server blocks forever (goroutinelint)",
			"client.go:13:9: clienttimeout: http.Get uses http.DefaultClient, which has no Timeout: a request to an unresponsive server blocks forever (goroutinelint)",
		}
		if code != 1 || !slices.Equal(got, want) {
			t.Errorf("exit %d, findings:\n%s\nwant exit 1 and:\n%s\nfull output:\n%s", code, strings.Join(got, "\n"), strings.Join(want, "\n"), out)
		}
	})

	t.Run("setting changes findings", func(t *testing.T) {
		off := strings.Replace(config, "clienttimeout:\n", "clienttimeout:\n            default-client: false\n", 1)
		if off == config {
			t.Fatal("README's .golangci.yml has no clienttimeout settings to extend")
		}
		out, _, _ := lint(t, off)
		got := lines(out, "(goroutinelint)")
		if len(got) != 1 || !strings.Contains(got[0], "client.go:8:10") {
			t.Errorf("with default-client: false, findings:\n%s\nwant only client.go:8:10\nfull output:\n%s", strings.Join(got, "\n"), out)
		}
	})

	t.Run("misspelt setting", func(t *testing.T) {
		bad := strings.Replace(config, "clienttimeout:\n", "clienttimeout:\n            default-clients: false\n", 1)
		out, code, _ := lint(t, bad)
		if code == 0 || code == 1 || !strings.Contains(out, "unknown setting clienttimeout.default-clients") {
			t.Errorf("misspelt setting: exit %d, output:\n%s\nwant a failure naming clienttimeout.default-clients", code, out)
		}
	})

	t.Run("fix", func(t *testing.T) {
		out, _, dir := lint(t, config, "--fix")
		data, err := os.ReadFile(filepath.Join(dir, "client.go"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "return &http.Client{Timeout: 10 * time.Second}\n") || !strings.Contains(string(data), `"time"`) {
			t.Errorf("run --fix did not add the Timeout from the README's settings and the time import:\n%s\noutput:\n%s", data, out)
		}
	})
}
