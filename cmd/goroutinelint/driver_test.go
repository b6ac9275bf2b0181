package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// leakyFunc is a function with one unguardedsend finding, named name.
func leakyFunc(name string) string {
	return fmt.Sprintf(`
func %s(ctx context.Context) int {
	ch := make(chan int)
	go func() { ch <- 1 }()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}
`, name)
}

// writeModule writes a module example.com/m into a new directory and
// returns it: package a with a finding in its own file, one in an
// internal test file and one in an external test package; package b,
// which imports a; package c, which imports neither. b and c have test
// files too, so go vet analyses a test variant of each.
func writeModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":       "module example.com/m\n\ngo 1.26.0\n",
		"a/a.go":       "package a\n\nimport \"context\"\n" + leakyFunc("A"),
		"a/a_test.go":  "package a\n\nimport \"context\"\n" + leakyFunc("inTest"),
		"a/ax_test.go": "package a_test\n\nimport \"context\"\n" + leakyFunc("inXTest"),
		"b/b.go":       "package b\n\nimport (\n\t\"context\"\n\n\t\"example.com/m/a\"\n)\n\nfunc B(ctx context.Context) int { return a.A(ctx) }\n",
		"c/c.go":       "package c\n\nimport \"context\"\n" + leakyFunc("C"),
		// Test files that import no testing package: testing's 20
		// dependencies would cost go vet a run each, for every set of flags.
		"c/c_test.go": "package c\n\nfunc inTest() {}\n",
		"b/b_test.go": "package b\n\nfunc inTest() {}\n",
	}
	writeFiles(t, dir, files)
	return dir
}

// TestDriversAgree runs the package driver (the default), on a first run
// and on one that replays its cache, the go vet driver (-driver=vet) and
// the whole-program driver (-whole-program) with the same flags on a
// module with test files, on one whose findings need facts across
// packages and on the repository's examples, and checks that they print
// byte-identical output and exit alike (issue 16). The heavy tests add
// more flags; integration's TestDriversAgreeOnCorpus does the same on
// real modules.
func TestDriversAgree(t *testing.T) {
	t.Parallel()
	m := writeModule(t)
	f := writeFactsModule(t)
	app := sharedApp(t)
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	type test struct {
		dir  string
		args []string
	}
	tests := []test{
		{m, []string{"./..."}},
		{m, []string{"-test=false", "-sarif", "./..."}},
		{f, []string{"-json", "./..."}},
		{app, slices.Concat([]string{"-json"}, flagsShared, []string{"./..."})},
		{repo, []string{"-sarif", "./examples/..."}},
	}
	if os.Getenv("GOROUTINELINT_HEAVY") != "" {
		tests = append(tests,
			test{m, []string{"-fix", "-diff", "./..."}},
			test{m, []string{"-unguardedsend=false", "-json", "./..."}},
			test{app, []string{"-sarif", "./..."}},
			test{repo, []string{"./examples/..."}},
			test{repo, []string{"-test=false", "-json", "./examples/..."}},
		)
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.dir)+" "+strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			whole := lint(t, tt.dir, append([]string{"-whole-program"}, tt.args...)...)
			cache := []string{envCache + "=" + t.TempDir()} // a first run, then its replay
			for _, run := range []struct {
				name string
				r    result
			}{
				{"go vet", lint(t, tt.dir, append([]string{"-driver=vet"}, tt.args...)...)},
				{"package, first run", execEnv(t, tt.dir, cache, binary(t), tt.args...)},
				{"package, replayed", execEnv(t, tt.dir, cache, binary(t), tt.args...)},
			} {
				if run.r != whole {
					t.Errorf("goroutinelint %s: the drivers differ:\nexit codes %d (%s) and %d (whole program)\nstdout:\n%s\n---\n%s\nstderr:\n%s\n---\n%s",
						strings.Join(tt.args, " "), run.r.code, run.name, whole.code, run.r.stdout, whole.stdout, run.r.stderr, whole.stderr)
				}
			}
			if whole.code != 1 && !slices.Contains(tt.args, "-unguardedsend=false") {
				t.Errorf("exit code %d, want 1 (findings)\nstderr:\n%s", whole.code, whole.stderr)
			}
		})
	}
}

// TestNoTests checks what -test=false leaves out: the findings in _test.go
// files and in external test packages.
func TestNoTests(t *testing.T) {
	t.Parallel()
	m := writeModule(t)
	with, without := lint(t, m, "./..."), lint(t, m, "-test=false", "./...")
	for _, name := range []string{"a/a_test.go", "a/ax_test.go"} {
		if !strings.Contains(with.stderr, name+":") {
			t.Errorf("default run: no finding in %s\n%s", name, with.stderr)
		}
		if strings.Contains(without.stderr, name) {
			t.Errorf("-test=false: finding in %s\n%s", name, without.stderr)
		}
	}
	for _, name := range []string{"a/a.go", "c/c.go"} {
		if !strings.Contains(without.stderr, name+":") {
			t.Errorf("-test=false: no finding in %s\n%s", name, without.stderr)
		}
	}
}

// TestCacheReuse checks that with the go vet driver (-driver=vet) a
// second run on unchanged code analyses no package, replaying go vet's
// cached results, and that after editing a file of package a only a, its
// test variants and its importer b run again (issue 16);
// TestPackageDriverCache checks the same of the default driver. The packages analysed are the vet tool's own log
// (GOROUTINELINT_DEBUG=analysed), so a replayed package cannot be counted.
func TestCacheReuse(t *testing.T) {
	t.Parallel()
	m := writeModule(t)
	bin := binary(t)
	debug := []string{envDebug + "=analysed"}
	first := execEnv(t, m, debug, bin, "-driver=vet", "./...")
	if first.code != 1 {
		t.Fatalf("first run: exit code %d, want 1\n%s", first.code, first.stderr)
	}
	second := execEnv(t, m, debug, bin, "-driver=vet", "./...")
	if got := analysed(second.stderr); len(got) != 0 {
		t.Errorf("second run analysed %q, want nothing", got)
	}
	if findings(first.stderr) != findings(second.stderr) || first.code != second.code {
		t.Errorf("replayed run differs:\n%s\n---\n%s", first.stderr, second.stderr)
	}

	// A nonce, so that no earlier test run's cache entry matches.
	file := filepath.Join(m, "a", "a.go")
	edit := readFile(t, file) + fmt.Sprintf("\nvar nonce = %d\n", time.Now().UnixNano())
	if err := os.WriteFile(file, []byte(edit), 0o644); err != nil {
		t.Fatal(err)
	}
	third := execEnv(t, m, debug, bin, "-driver=vet", "./...")
	got := analysed(third.stderr)
	if !slices.Contains(got, "example.com/m/a") && !slices.Contains(got, "example.com/m/a [example.com/m/a.test]") {
		t.Errorf("after editing a/a.go, analysed %q, want package a among them", got)
	}
	for _, id := range got {
		if path := pkgPathOf(id); path != "example.com/m/a" && path != "example.com/m/a_test" && path != "example.com/m/b" {
			t.Errorf("after editing a/a.go, analysed %s, which neither is a nor imports it", id)
		}
	}
	if findings(third.stderr) != findings(first.stderr) {
		t.Errorf("findings changed after a harmless edit:\n%s\n---\n%s", first.stderr, third.stderr)
	}
}

// analysed returns the package IDs a run with GOROUTINELINT_DEBUG=analysed
// printed.
func analysed(stderr string) []string {
	var out []string
	for _, line := range lines(stderr) {
		if id, ok := strings.CutPrefix(line, progName+": debug: analysed "); ok && !strings.HasSuffix(id, " packages") {
			out = append(out, id)
		}
	}
	return out
}

// findings returns stderr without the debug lines.
func findings(stderr string) string {
	var b strings.Builder
	for _, line := range lines(stderr) {
		if !strings.HasPrefix(line, progName+": debug: ") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// writeFiles writes files (slash-separated paths relative to dir, and
// their contents) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
