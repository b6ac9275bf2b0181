package integration

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// heavyEnv is the variable that turns the heavy tests on.
const heavyEnv = "GOROUTINELINT_HEAVY"

// requireHeavy skips t unless the heavy tests are on, saying how to run them.
func requireHeavy(t *testing.T) {
	t.Helper()
	if os.Getenv(heavyEnv) == "" {
		t.Skipf("heavy integration test: run with %s=1 go test -timeout 60m ./integration/", heavyEnv)
	}
}

// repoRoot returns the module's root directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyDir copies the fixture directory src to a new temporary directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// readmeBlock returns the fenced block of the given language that follows
// the HTML comment marker in README.md, so tests use the README's text.
func readmeBlock(t *testing.T, marker, lang string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- "+marker+" -->")
	if !ok {
		t.Fatalf("README.md has no <!-- %s --> marker", marker)
	}
	_, rest, ok = strings.Cut(rest, "```"+lang+"\n")
	if !ok {
		t.Fatalf("README.md has no ```%s block after <!-- %s -->", lang, marker)
	}
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatalf("README.md: unterminated block after <!-- %s -->", marker)
	}
	return block
}

// run runs a command in dir and returns its combined output and exit code.
func run(t *testing.T, dir string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
		}
		code = ee.ExitCode()
	}
	return out.String(), code
}

// lines returns the non-empty lines of s that contain substr.
func lines(s, substr string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return out
}
