package main

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/go/packages"
)

// TestExeIdentity checks what stands for the executable in cache keys:
// two builds of equal size that differ in one string have different
// identities, taken from their build IDs; builds whose ID was set by hand
// are hashed, so that they differ too.
func TestExeIdentity(t *testing.T) {
	if testing.Short() {
		t.Skip("builds small programs; skipped in -short mode")
	}
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod":  "module example.com/exe\n\ngo 1.26.0\n",
		"main.go": "package main\n\nvar v = \"aaaa\"\n\nfunc main() { println(v) }\n",
	})
	build := func(name, ldflags string) string {
		t.Helper()
		out := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-o", out, "-ldflags="+ldflags, ".")
		cmd.Dir = dir
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, msg)
		}
		return out
	}
	pairs := []struct {
		prefix string
		a, b   string // ldflags of two builds of equal size
	}{
		{"buildid ", "-X=main.v=bbbb", "-X=main.v=cccc"},
		{"sha256 ", "-buildid=fixed -X=main.v=bbbb", "-buildid=fixed -X=main.v=cccc"},
		{"sha256 ", "-buildid= -X=main.v=bbbb", "-buildid= -X=main.v=cccc"},
	}
	for i, p := range pairs {
		a, b := build(string(rune('a'+2*i)), p.a), build(string(rune('b'+2*i)), p.b)
		dataA, dataB := readBytes(t, a), readBytes(t, b)
		if len(dataA) != len(dataB) || bytes.Equal(dataA, dataB) {
			t.Fatalf("%s and %s: want builds of equal size and different content", p.a, p.b)
		}
		idA, err := exeIdentity(a)
		if err != nil {
			t.Fatal(err)
		}
		idB, err := exeIdentity(b)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(idA, p.prefix) || !strings.HasPrefix(idB, p.prefix) {
			t.Errorf("-ldflags=%q: identities %q and %q, want them to start with %q", p.a, idA, idB, p.prefix)
		}
		if idA == idB {
			t.Errorf("builds with -ldflags=%q and %q have one identity %q", p.a, p.b, idA)
		}
		if again, err := exeIdentity(a); err != nil || again != idA {
			t.Errorf("identity of one file changed: %q, then %q (%v)", idA, again, err)
		}
	}
}

// readBytes returns the content of the file.
func readBytes(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestHeaderImports checks that headerImports, given any prefix of a file,
// either says the prefix does not hold all the imports or returns all of
// them, as the parser finds them in the whole file.
func TestHeaderImports(t *testing.T) {
	t.Parallel()
	files := []string{
		"package p\n\nimport \"fmt\"\n\nfunc F() { fmt.Println() }\n",
		"// Package p.\npackage p // x\n\nimport (\n\t\"fmt\"\n\tx \"os\"\n\t. \"strings\"\n\t_ \"embed\"\n)\nimport \"io\"\n\nvar _ = 1\n",
		"package p\n\n/*\n#include <stdio.h>\nint two(void) { return 2; }\n*/\nimport \"C\"\n\nfunc Two() int { return int(C.two()) }\n",
		"package p\nimport (\"errors\"; `C`)\ntype T int\n",
		"package p\n\nconst c = 1\n",
		"package p\n",
	}
	fset := token.NewFileSet()
	for _, src := range files {
		f, err := parser.ParseFile(fset, "p.go", src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, imp := range f.Imports {
			want = append(want, imp.Path.Value)
		}
		complete := false
		for n := 0; n <= len(src); n++ {
			got, ok := headerImports([]byte(src[:n]))
			if !ok {
				continue
			}
			complete = true
			if !slices.Equal(got, want) {
				t.Errorf("headerImports(%q) = %q, want %q (of the whole file %q)", src[:n], got, want, src)
			}
		}
		if wantComplete := strings.Contains(src, "\nvar") || strings.Contains(src, "func") || strings.Contains(src, "type") || strings.Contains(src, "const"); complete != wantComplete {
			t.Errorf("%q: some prefix held all imports: %v, want %v", src, complete, wantComplete)
		}
	}
}

// TestSourceFilesID checks what stands for a source file in cache keys: a
// file of the module cache changes its ID when its modification time
// changes (an edit), any other file when its content does, even if its
// size and modification time stay.
func TestSourceFilesID(t *testing.T) {
	t.Parallel()
	modCache := t.TempDir()
	dir := filepath.Join(modCache, "example.com", "m@v1.0.0")
	local := t.TempDir()
	writeFiles(t, dir, map[string]string{"m.go": "package m\n\nvar V = 1\n"})
	writeFiles(t, local, map[string]string{"l.go": "package l\n\nvar V = 1\n"})
	modFile, localFile := filepath.Join(dir, "m.go"), filepath.Join(local, "l.go")
	pkgs := []*packages.Package{
		{ID: "example.com/m", PkgPath: "example.com/m", CompiledGoFiles: []string{modFile},
			Module: &packages.Module{Path: "example.com/m", Version: "v1.0.0", Dir: dir}},
		{ID: "example.com/l", PkgPath: "example.com/l", CompiledGoFiles: []string{localFile},
			Module: &packages.Module{Path: "example.com/l", Main: true, Dir: local}},
	}
	ids := func() (string, string) {
		t.Helper()
		files := newSourceFiles() // a new run
		if files.scan(pkgs, modCache) {
			t.Fatal("scan found cgo in files without it")
		}
		m, err := files.id(modFile)
		if err != nil {
			t.Fatal(err)
		}
		l, err := files.id(localFile)
		if err != nil {
			t.Fatal(err)
		}
		return m, l
	}
	mod0, local0 := ids()
	if !strings.HasPrefix(mod0, "stamp ") || !strings.HasPrefix(local0, "sha256 ") {
		t.Fatalf("IDs %q and %q: want the module cache's file stamped, the other hashed", mod0, local0)
	}
	info, err := os.Stat(localFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{modFile, localFile} {
		if err := os.WriteFile(name, bytes.Replace(readBytes(t, name), []byte("1"), []byte("2"), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The local file keeps its size and modification time; the module
	// cache's gets a modification time of its own.
	if err := os.Chtimes(localFile, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	earlier := time.Now().Add(-time.Hour)
	if err := os.Chtimes(modFile, earlier, earlier); err != nil {
		t.Fatal(err)
	}
	mod1, local1 := ids()
	if err := os.Chtimes(localFile, earlier, earlier); err != nil {
		t.Fatal(err)
	}
	_, local2 := ids()
	if mod1 == mod0 {
		t.Errorf("module cache file edited: ID %q unchanged", mod0)
	}
	if local1 == local0 {
		t.Errorf("local file edited: ID %q unchanged", local0)
	}
	if local2 != local1 {
		t.Errorf("local file touched, not edited: ID %q, then %q", local1, local2)
	}
}
