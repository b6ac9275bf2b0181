package main

import (
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis"
)

// writeFactsModule writes a module example.com/f whose package user has
// findings only the facts of package lib give: lib.Use leaves a client's
// Timeout unset, lib.Configure sets it. Package other imports neither.
func writeFactsModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/f\n\ngo 1.26.0\n",
		"lib/lib.go": `package lib

import (
	"net/http"
	"time"
)

func Configure(c *http.Client) { c.Timeout = 10 * time.Second }

func Use(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
`,
		"user/user.go": `package user

import (
	"net/http"

	"example.com/f/lib"
)

func Configured() *http.Client {
	c := &http.Client{}
	lib.Configure(c)
	return c
}

func Used() error {
	c := &http.Client{}
	return lib.Use(c, "http://example.com")
}
`,
		"other/other.go": "package other\n\nfunc Other() {}\n",
	}
	writeFiles(t, dir, files)
	return dir
}

// TestPackageDriverCache checks the package driver's cache: a second run
// on unchanged code analyses nothing; after editing a/a.go only a, its
// test variants and its importer b are analysed again, with the same
// findings (GOROUTINELINT_DEBUG=analysed lists them).
func TestPackageDriverCache(t *testing.T) {
	t.Parallel()
	m := writeModule(t)
	bin := binary(t)
	env := []string{envDebug + "=analysed", envCache + "=" + t.TempDir()}
	first := execEnv(t, m, env, bin, "./...")
	if first.code != 1 {
		t.Fatalf("first run: exit code %d, want 1\n%s", first.code, first.stderr)
	}
	// b and c are analysed as their test variants, which hold all their
	// files; a also as itself, for the facts b imports.
	wantFirst := []string{
		"example.com/m/a", "example.com/m/a [example.com/m/a.test]", "example.com/m/a_test [example.com/m/a.test]",
		"example.com/m/b [example.com/m/b.test]", "example.com/m/c [example.com/m/c.test]",
	}
	if got := analysed(first.stderr); !slices.Equal(got, wantFirst) {
		t.Errorf("first run analysed %q, want %q", got, wantFirst)
	}
	second := execEnv(t, m, env, bin, "./...")
	if got := analysed(second.stderr); len(got) != 0 {
		t.Errorf("second run analysed %q, want nothing", got)
	}
	if findings(first.stderr) != findings(second.stderr) || first.code != second.code {
		t.Errorf("replayed run differs:\n%s\n---\n%s", first.stderr, second.stderr)
	}
	file := filepath.Join(m, "a", "a.go")
	edit := readFile(t, file) + fmt.Sprintf("\nvar nonce = %d\n", time.Now().UnixNano())
	if err := os.WriteFile(file, []byte(edit), 0o644); err != nil {
		t.Fatal(err)
	}
	third := execEnv(t, m, env, bin, "./...")
	got := analysed(third.stderr)
	if !slices.Contains(got, "example.com/m/a") || !slices.Contains(got, "example.com/m/a [example.com/m/a.test]") {
		t.Errorf("after editing a/a.go, analysed %q, want package a and its test variant among them", got)
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

// TestPackageDriverFacts checks that facts cross packages through the
// cache: after editing only package user, lib is replayed, and the finding
// that lib's facts give in user is still reported, as the whole-program
// driver reports it.
func TestPackageDriverFacts(t *testing.T) {
	t.Parallel()
	f := writeFactsModule(t)
	bin := binary(t)
	env := []string{envDebug + "=analysed", envCache + "=" + t.TempDir()}
	whole := lint(t, f, "-whole-program", "./...")
	const want = "user/user.go:16:8: http.Client has no Timeout"
	if !strings.Contains(whole.stderr, want) || strings.Contains(whole.stderr, "user.go:10:") {
		t.Fatalf("whole-program run: want the finding in Used only, from lib's facts; got\n%s", whole.stderr)
	}
	first := execEnv(t, f, env, bin, "./...")
	file := filepath.Join(f, "user", "user.go")
	edit := readFile(t, file) + fmt.Sprintf("\nvar nonce = %d\n", time.Now().UnixNano())
	if err := os.WriteFile(file, []byte(edit), 0o644); err != nil {
		t.Fatal(err)
	}
	second := execEnv(t, f, env, bin, "./...")
	if got := analysed(second.stderr); !slices.Equal(got, []string{"example.com/f/user"}) {
		t.Errorf("after editing user/user.go, analysed %q, want example.com/f/user alone", got)
	}
	for _, r := range []result{first, second} {
		if findings(r.stderr) != whole.stderr || r.code != whole.code {
			t.Errorf("package driver printed (exit %d)\n%s\nwant, as the whole-program driver (exit %d):\n%s", r.code, r.stderr, whole.code, whole.stderr)
		}
	}
}

// TestCheckFixes checks that edits come out in position order with an end
// each, and that overlapping edits are refused.
func TestCheckFixes(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	file := fset.AddFile("x.go", -1, 100)
	pos := func(off int) token.Pos { return file.Pos(off) }
	fixes := []analysis.SuggestedFix{{Message: "a", TextEdits: []analysis.TextEdit{
		{Pos: pos(20), End: pos(25)}, {Pos: pos(5)}, {Pos: pos(10), End: pos(12)},
	}}}
	if err := checkFixes(fset, fixes); err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, e := range fixes[0].TextEdits {
		got = append(got, file.Offset(e.Pos), file.Offset(e.End))
	}
	if want := []int{5, 5, 10, 12, 20, 25}; !slices.Equal(got, want) {
		t.Errorf("edits at %v, want %v", got, want)
	}
	overlap := []analysis.SuggestedFix{{Message: "b", TextEdits: []analysis.TextEdit{
		{Pos: pos(10), End: pos(20)}, {Pos: pos(15), End: pos(30)},
	}}}
	if err := checkFixes(fset, overlap); err == nil {
		t.Error("overlapping edits accepted")
	}
	twice := []analysis.SuggestedFix{{Message: "c"}, {Message: "c"}}
	if err := checkFixes(fset, twice); err == nil {
		t.Error("two fixes with one message accepted")
	}
}

// TestListingHint checks the listing hint: a run on a module with a cgo
// package leaves a hint that the next run lists cgo's compiled files at
// once, and that run prints the same; once no package uses cgo, a run
// removes the hint. Every run prints what the whole-program driver does.
func TestListingHint(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	if !haveCgo(t) {
		t.Skip("cgo is disabled or there is no C compiler")
	}
	dir := t.TempDir()
	cgoFile := filepath.Join(dir, "c", "c.go")
	writeFiles(t, dir, map[string]string{
		"go.mod": "module example.com/h\n\ngo 1.26.0\n",
		"c/c.go": readFile(t, filepath.Join("..", "..", "testdata", "e2e", "bad", "cgo", "cgo.go")),
		"n/n.go": "package n\n\nfunc N() {}\n",
	})
	cache := t.TempDir()
	env := []string{envDebug + "=analysed", envCache + "=" + cache}
	hints := func() int {
		t.Helper()
		n := 0
		filepath.WalkDir(cache, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, "-a") {
				if data, err := os.ReadFile(path); err == nil && string(data) == "compiled\n" {
					n++
				}
			}
			return nil
		})
		return n
	}
	same := func(what string, got, want result) {
		t.Helper()
		if findings(got.stderr) != want.stderr || got.code != want.code {
			t.Errorf("%s: package driver printed (exit %d)\n%s\nwant, as the whole-program driver (exit %d):\n%s", what, got.code, got.stderr, want.code, want.stderr)
		}
	}
	whole := lint(t, dir, "-whole-program", "./...")
	if whole.code != 1 {
		t.Fatalf("whole-program run: exit %d, want 1 (the finding in c.go)\n%s", whole.code, whole.stderr)
	}
	same("first run", execEnv(t, dir, env, bin, "./..."), whole)
	if n := hints(); n != 1 {
		t.Errorf("after a run with a cgo package: %d listing hints, want 1", n)
	}
	second := execEnv(t, dir, env, bin, "./...")
	same("hinted run", second, whole)
	if got := analysed(second.stderr); len(got) != 0 {
		t.Errorf("hinted run analysed %q, want nothing", got)
	}
	plain := strings.Replace(readFile(t, cgoFile), `import "C"`, "", 1)
	plain = strings.ReplaceAll(plain, "int(C.answer())", "42")
	if err := os.WriteFile(cgoFile, []byte(plain), 0o644); err != nil {
		t.Fatal(err)
	}
	whole = lint(t, dir, "-whole-program", "./...")
	same("run without cgo", execEnv(t, dir, env, bin, "./..."), whole)
	if n := hints(); n != 0 {
		t.Errorf("after a run without a cgo package: %d listing hints, want none", n)
	}
}
