package main

import (
	"bytes"
	encbinary "encoding/binary"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"os"

	"golang.org/x/tools/go/gcexportdata"
)

// A standard-library dependency under go vet.
//
// go vet hands every dependency of the vetted packages to the vet tool,
// which answers with a vetx file: the package's types (export data its
// importers type-check against) and its facts. No check exports facts for
// the standard library, so unitchecker's work on such a package (parse,
// type-check every function body, run the inert suite) yields types and an
// empty fact set; under net/http that is some 200 packages, most of what a
// go vet run costs on a small module. writeStdVetx produces the same file
// from the package's declarations alone: the bodies of a dependency
// change neither its exported types nor, here, its facts.

// The layout of unitchecker's vetx file: a magic word, the lengths of the
// types and facts sections (little-endian uint32), then both sections.
const (
	vetxMagic      = "vetx"
	vetxHeaderSize = 12
)

// writeStdVetx answers go vet for a standard-library dependency whose
// imports have no facts, reporting whether it did. Anything it does not
// expect (an import with facts, an unreadable vetx file, a type error
// other than those of the missing bodies) leaves the package to
// unitchecker, which does the full work.
func (cfg *vetConfig) writeStdVetx() bool {
	if !cfg.isStdDependency() || cfg.VetxOutput == "" {
		return false
	}
	data, err := cfg.stdVetx()
	if err != nil {
		return false
	}
	return os.WriteFile(cfg.VetxOutput, data, 0o666) == nil
}

// errHasFacts stops the fast path: an import's vetx file carries facts,
// which unitchecker would re-export.
var errHasFacts = errors.New("an import has facts")

// stdVetx returns the vetx file of a standard-library dependency whose
// imports have no facts: its types, checked without function bodies, and
// an empty facts section.
func (cfg *vetConfig) stdVetx() ([]byte, error) {
	imported := make(map[string][]byte, len(cfg.PackageVetx))
	for path, file := range cfg.PackageVetx {
		types, facts, err := readVetx(file)
		if err != nil {
			return nil, err
		}
		if len(facts) > 0 {
			return nil, errHasFacts
		}
		imported[path] = types
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range cfg.GoFiles {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	pkgs := make(map[string]*types.Package)
	conf := &types.Config{
		IgnoreFuncBodies: true,
		Sizes:            types.SizesFor("gc", build.Default.GOARCH),
		GoVersion:        cfg.GoVersion,
		Importer: importerFunc(func(importPath string) (*types.Package, error) {
			path, ok := cfg.ImportMap[importPath]
			if !ok {
				return nil, fmt.Errorf("can't resolve import %q", importPath)
			}
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			if pkg, ok := pkgs[path]; ok && pkg.Complete() {
				return pkg, nil
			}
			data, ok := imported[path]
			if !ok {
				return nil, fmt.Errorf("no package vetx file for %q", path)
			}
			// gcexportdata reads the indexed format unitchecker writes,
			// marked by a leading 'i'.
			return gcexportdata.Read(bytes.NewReader(append([]byte{'i'}, data...)), fset, pkgs, path)
		}),
	}
	pkg, err := conf.Check(cfg.ImportPath, fset, files, nil)
	if err != nil {
		return nil, err
	}
	var exported bytes.Buffer
	if err := gcexportdata.Write(&exported, fset, pkg); err != nil {
		return nil, err
	}
	types := bytes.TrimPrefix(exported.Bytes(), []byte{'i'})
	out := make([]byte, vetxHeaderSize, vetxHeaderSize+len(types))
	copy(out, vetxMagic)
	encbinary.LittleEndian.PutUint32(out[4:8], uint32(len(types)))
	encbinary.LittleEndian.PutUint32(out[8:12], 0) // no facts
	return append(out, types...), nil
}

// readVetx splits a vetx file into its types and facts sections.
func readVetx(file string) (types, facts []byte, err error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	if len(data) < vetxHeaderSize || string(data[:4]) != vetxMagic {
		return nil, nil, fmt.Errorf("%s: not a vetx file", file)
	}
	typesLen := uint64(encbinary.LittleEndian.Uint32(data[4:8]))
	factsLen := uint64(encbinary.LittleEndian.Uint32(data[8:12]))
	if vetxHeaderSize+typesLen+factsLen > uint64(len(data)) {
		return nil, nil, fmt.Errorf("%s: vetx lengths exceed the file", file)
	}
	types = data[vetxHeaderSize : vetxHeaderSize+typesLen]
	facts = data[vetxHeaderSize+typesLen : vetxHeaderSize+typesLen+factsLen]
	return types, facts, nil
}

// importerFunc adapts a function to types.Importer.
type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
