package main

import (
	"go/ast"
	"go/build"
	"go/token"
	"io"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/packages"
)

func TestPatternsExcludeStd(t *testing.T) {
	t.Parallel()
	goroot := build.Default.GOROOT
	c := newCommand(io.Discard, io.Discard, "/home/me/app")
	for _, tt := range []struct {
		patterns []string
		want     bool
	}{
		{[]string{"./..."}, true},
		{[]string{"./server", "example.com/lib/..."}, true},
		{[]string{"std"}, false},
		{[]string{"./...", "net/http"}, false},
		{[]string{"noexit/basic", "noexit/facts/..."}, true}, // GOPATH packages
		{[]string{"net/..."}, false},
		{[]string{"..."}, false},
		{[]string{"all"}, false},
		{[]string{"cmd"}, false},
		{[]string{filepath.Join(goroot, "src", "net", "http")}, false},
		{[]string{filepath.Join(goroot, "src") + "/..."}, false},
	} {
		if got := c.patternsExcludeStd(tt.patterns); got != tt.want {
			t.Errorf("patternsExcludeStd(%q) = %v, want %v", tt.patterns, got, tt.want)
		}
	}
	inGOROOT := newCommand(io.Discard, io.Discard, filepath.Join(goroot, "src", "net"))
	if inGOROOT.patternsExcludeStd([]string{"./..."}) {
		t.Error("./... in GOROOT/src/net can name standard-library packages")
	}
}

func TestParseStdBodyless(t *testing.T) {
	t.Parallel()
	const src = "package p\n\nimport \"fmt\"\n\nfunc F() { fmt.Println() }\n"
	for _, tt := range []struct {
		file     string
		wantBody bool
	}{
		{filepath.Join(build.Default.GOROOT, "src", "p", "p.go"), false},
		{"/home/me/app/p.go", true},
	} {
		f, err := parseStdBodyless(token.NewFileSet(), tt.file, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		fn := f.Decls[len(f.Decls)-1].(*ast.FuncDecl)
		if got := fn.Body != nil; got != tt.wantBody {
			t.Errorf("%s: body kept %v, want %v", tt.file, got, tt.wantBody)
		}
	}
}

func TestWithoutStdDeps(t *testing.T) {
	t.Parallel()
	stdFile := filepath.Join(build.Default.GOROOT, "src", "net", "http", "client.go")
	http := &packages.Package{ID: "net/http", PkgPath: "net/http", GoFiles: []string{stdFile}, IllTyped: true,
		Errors: []packages.Error{{Msg: `"io" imported and not used`}}}
	lib := &packages.Package{ID: "example.com/lib", PkgPath: "example.com/lib", GoFiles: []string{"/m/lib/lib.go"},
		IllTyped: true, Imports: map[string]*packages.Package{"net/http": http}}
	app := &packages.Package{ID: "example.com/app", PkgPath: "example.com/app", GoFiles: []string{"/m/app/app.go"},
		IllTyped: true, Imports: map[string]*packages.Package{"net/http": http, "example.com/lib": lib, "unsafe": {PkgPath: "unsafe"}}}
	out := withoutStdDeps([]*packages.Package{app})
	got := out[0]
	if got == app || len(got.Imports) != 1 || got.Imports["example.com/lib"] == nil {
		t.Fatalf("app's imports after pruning: %v, want a copy importing example.com/lib only", got.Imports)
	}
	if got.IllTyped || got.Imports["example.com/lib"].IllTyped {
		t.Error("packages ill-typed only through a standard-library dependency stay ill-typed")
	}
	if len(got.Imports["example.com/lib"].Imports) != 0 {
		t.Error("lib still imports net/http")
	}
	if !app.IllTyped || len(app.Imports) != 3 {
		t.Error("withoutStdDeps changed the loaded packages")
	}
	lib.Errors = []packages.Error{{Msg: "real error"}}
	if !withoutStdDeps([]*packages.Package{app})[0].IllTyped {
		t.Error("a package whose dependency has its own errors is no longer ill-typed")
	}
}
