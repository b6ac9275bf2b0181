package profile

import (
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Code is the analysed source, as a profile's frames are mapped onto it.
type Code struct {
	Fset  *token.FileSet
	files map[string]*codeFile   // by absolute file name
	byKey map[string][]*codeFile // by import-path file name and by module-relative name
	// assigns indexes, for each variable and field of the analysed
	// packages, the expressions assigned to it; built on first use.
	assigns map[types.Object][]assigned
}

// A codeFile is one analysed Go file.
type codeFile struct {
	name    string // absolute
	pkgPath string // the package's import path, without a test suffix
	isMain  bool   // functions of a main package are named "main.f"
	syntax  *ast.File
	info    *types.Info
}

// NewCode indexes the files of pkgs, which share one token.FileSet.
func NewCode(pkgs []*packages.Package) *Code {
	c := &Code{files: make(map[string]*codeFile), byKey: make(map[string][]*codeFile)}
	for _, pkg := range pkgs {
		if c.Fset == nil {
			c.Fset = pkg.Fset
		}
		for i, name := range pkg.CompiledGoFiles {
			if _, ok := c.files[name]; ok || i >= len(pkg.Syntax) {
				continue // seen through another variant of the package, or not parsed
			}
			f := &codeFile{name: name, pkgPath: pkgPath(pkg), isMain: pkg.Name == "main", syntax: pkg.Syntax[i], info: pkg.TypesInfo}
			c.files[name] = f
			for _, key := range fileKeys(pkg, name) {
				c.byKey[key] = append(c.byKey[key], f)
			}
		}
	}
	return c
}

// pkgPath returns pkg's import path without the suffix of a test variant
// ("p [p.test]") or the _test of an external test package's.
func pkgPath(pkg *packages.Package) string {
	p, _, _ := strings.Cut(pkg.PkgPath, " ")
	return p
}

// fileKeys returns the names a binary may record for the file name of pkg
// besides its absolute name: its import path joined with the file's base
// name (what -trimpath records, also for a vendored copy), and its module
// path joined with its name relative to the module root.
func fileKeys(pkg *packages.Package, name string) []string {
	keys := []string{path.Join(pkgPath(pkg), filepath.Base(name))}
	if m := pkg.Module; m != nil && m.Dir != "" {
		if rel, err := filepath.Rel(m.Dir, name); err == nil && !strings.HasPrefix(rel, "..") {
			rel = filepath.ToSlash(rel)
			keys = append(keys, path.Join(m.Path, rel), rel)
		}
	}
	return keys
}

// file returns the analysed file that fr runs in, or nil. A frame's file
// is the one analysed when its name is the same, or when it ends with the
// file's import-path or module-relative name (a -trimpath build, a build
// in another directory or on another machine, a vendored copy) and its
// function belongs to the file's package, so that a file of another
// module that happens to share a relative name is never taken for it.
func (c *Code) file(fr Frame) *codeFile {
	if fr.File == "" || fr.Line <= 0 {
		return nil
	}
	if f, ok := c.files[fr.File]; ok && funcPackage(fr.Func) == f.runtimePkg() {
		return f
	}
	name := filepath.ToSlash(fr.File)
	if i := strings.LastIndex(name, "/vendor/"); i >= 0 {
		name = name[i+len("/vendor/"):]
	}
	for i := 0; ; {
		if fs, ok := c.byKey[name[i:]]; ok {
			for _, f := range fs {
				if funcPackage(fr.Func) == f.runtimePkg() {
					return f
				}
			}
		}
		j := strings.Index(name[i:], "/")
		if j < 0 {
			return nil
		}
		i += j + 1
	}
}

// runtimePkg returns the package path the runtime gives f's functions.
func (f *codeFile) runtimePkg() string {
	if f.isMain {
		return "main"
	}
	return f.pkgPath
}

// funcPackage returns the package path of a function as the runtime names
// it: "example.com/a/b" for "example.com/a/b.(*T).m.func1", and for a
// vendored copy the path below "vendor/".
func funcPackage(fn string) string {
	slash := strings.LastIndex(fn, "/")
	dot := strings.Index(fn[slash+1:], ".")
	if dot < 0 {
		return ""
	}
	p := fn[:slash+1+dot]
	if i := strings.LastIndex(p, "/vendor/"); i >= 0 {
		p = p[i+len("/vendor/"):]
	}
	return p
}

// A Position is a place in the analysed source: an absolute file name and
// a line.
type Position struct {
	File string
	Line int
}

// Map returns where fr runs in the analysed source, if it does.
func (c *Code) Map(fr Frame) (Position, bool) {
	f := c.file(fr)
	if f == nil {
		return Position{}, false
	}
	return Position{File: f.name, Line: fr.Line}, true
}

// PackageOf returns the import path of the analysed file name.
func (c *Code) PackageOf(name string) string {
	if f, ok := c.files[name]; ok {
		return f.pkgPath
	}
	return ""
}
