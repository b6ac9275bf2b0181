package main

import (
	"bytes"
	"encoding/json"
	"go/importer"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/gcexportdata"
)

// TestStdVetx writes, with the fast path, the vetx files of a small
// standard-library closure in dependency order, each from the files of its
// imports as go vet would hand them over, and checks that importers see the
// right types; and that an import with facts sends the package back to
// unitchecker.
func TestStdVetx(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "-json=ImportPath,Dir,GoFiles,Imports,ImportMap,Standard", "strconv").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dir := t.TempDir()
	vetx := map[string]string{}
	var last *vetConfig
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath, Dir  string
			GoFiles, Imports []string
			ImportMap        map[string]string
			Standard         bool
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.ImportPath == "unsafe" {
			continue
		}
		cfg := &vetConfig{ImportPath: p.ImportPath, Dir: p.Dir, VetxOnly: true, ImportMap: map[string]string{}, PackageVetx: map[string]string{}}
		for _, f := range p.GoFiles {
			cfg.GoFiles = append(cfg.GoFiles, filepath.Join(p.Dir, f))
		}
		for _, imp := range p.Imports {
			cfg.ImportMap[imp] = imp
			if imp != "unsafe" {
				cfg.PackageVetx[imp] = vetx[imp]
			}
		}
		for from, to := range p.ImportMap {
			cfg.ImportMap[from] = to
		}
		cfg.VetxOutput = filepath.Join(dir, filepath.Base(p.ImportPath)+"-"+filepath.Base(filepath.Dir(p.ImportPath))+".vetx")
		if !cfg.writeStdVetx() {
			_, err := cfg.stdVetx()
			t.Fatalf("%s: fast path not taken: %v", p.ImportPath, err)
		}
		vetx[p.ImportPath] = cfg.VetxOutput
		last = cfg
	}
	if last == nil || last.ImportPath != "strconv" {
		t.Fatalf("strconv not listed last: %+v", last)
	}

	// strconv's exported API, read back as an importer reads it, matches
	// the compiler's export data.
	typesData, facts, err := readVetx(vetx["strconv"])
	if err != nil || len(facts) != 0 {
		t.Fatalf("strconv's vetx: %v, %d bytes of facts", err, len(facts))
	}
	fset := token.NewFileSet()
	got, err := gcexportdata.Read(bytes.NewReader(append([]byte{'i'}, typesData...)), fset, map[string]*types.Package{}, "strconv")
	if err != nil {
		t.Fatal(err)
	}
	want, err := importer.Default().Import("strconv")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range want.Scope().Names() {
		w := want.Scope().Lookup(name)
		if !w.Exported() {
			continue
		}
		g := got.Scope().Lookup(name)
		if g == nil || g.Type().String() != w.Type().String() {
			t.Errorf("strconv.%s: got %v, want %v", name, g, w)
		}
	}

	// An import whose vetx file carries facts is unitchecker's to re-export.
	withFacts := filepath.Join(dir, "facts.vetx")
	data, err := os.ReadFile(vetx["strconv"])
	if err != nil {
		t.Fatal(err)
	}
	data[8] = 1 // one byte of facts: the section starts after the types
	if err := os.WriteFile(withFacts, append(data, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := *last
	cfg.PackageVetx = map[string]string{"strconv": withFacts}
	cfg.VetxOutput = filepath.Join(dir, "none.vetx")
	if cfg.writeStdVetx() {
		t.Error("fast path taken though an import has facts")
	}
	if _, err := os.Stat(cfg.VetxOutput); err == nil {
		t.Error("a vetx file was written though the fast path was not taken")
	}
	// A package outside the standard library never takes it.
	cfg = *last
	cfg.ModulePath, cfg.ImportPath, cfg.Dir = "example.com/m", "example.com/m", dir
	if cfg.writeStdVetx() {
		t.Error("fast path taken for a module package")
	}
}
