package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildTool builds cmd/goroutinelint into a temporary directory.
func buildTool(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "goroutinelint")
	if out, code := run(t, repoRoot(t), nil, "go", "build", "-o", bin, "./cmd/goroutinelint"); code != 0 {
		t.Fatalf("go build ./cmd/goroutinelint (exit %d):\n%s", code, out)
	}
	return bin
}

// uncachedVetTool returns a copy of the tool at bin with a nonce appended.
// go vet caches each package's result under the tool's ID, a hash of the
// executable, so without it a sweep repeated with an unchanged binary
// would replay cached results instead of analyzing anything. Trailing
// bytes do not change how an ELF executable runs.
func uncachedVetTool(t *testing.T, bin string) string {
	t.Helper()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	data = fmt.Appendf(data, "\nvet-cache-nonce %d\n", time.Now().UnixNano())
	fresh := filepath.Join(t.TempDir(), "goroutinelint")
	if err := os.WriteFile(fresh, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return fresh
}

// checkSweep fails t if a run over many packages crashed, reported an
// internal error, or left a package unanalyzed because a dependency's
// facts could not be read ("could not import …": a facts-only run of the
// dependency failed). Findings (exit 1) are fine: std is not leak-free.
func checkSweep(t *testing.T, what, out string, code int) {
	t.Helper()
	for _, bad := range []string{"panic:", "internal error", "goroutine 1 [", "fatal error:", "could not import", "no package vetx file"} {
		if strings.Contains(out, bad) {
			i := strings.Index(out, bad)
			t.Errorf("%s: output contains %q:\n%s", what, bad, out[max(0, i-500):min(len(out), i+2000)])
		}
	}
	if code != 0 && code != 1 {
		t.Errorf("%s: exit %d, want 0 or 1; output tail:\n%s", what, code, tail(out, 3000))
	}
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestStdSweep runs every check over the whole standard library, once in
// each mode: no panic, no internal error, no hang (the test's -timeout).
func TestStdSweep(t *testing.T) {
	requireHeavy(t)
	bin := buildTool(t)
	t.Run("vet", func(t *testing.T) {
		out, code := run(t, t.TempDir(), nil, "go", "vet", "-vettool="+uncachedVetTool(t, bin), "std")
		checkSweep(t, "go vet -vettool=goroutinelint std", out, code)
		t.Logf("go vet std: exit %d, %d finding lines", code, strings.Count(out, ": ")-strings.Count(out, "# "))
	})
	t.Run("standalone", func(t *testing.T) {
		out, code := run(t, t.TempDir(), nil, bin, "std")
		checkSweep(t, "goroutinelint std", out, code)
		t.Logf("goroutinelint std: exit %d, %d lines", code, strings.Count(out, "\n"))
	})
}
