package main

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/tools/go/packages"
)

// What the package driver reads of a run's files before it can replay a
// package: the content of each source file it parses (for the cgo check
// and the cache keys), the size and modification time of each
// standard-library file (stdKey) and module-cache file, and the
// executable's identity (toolKey). An unchanged rerun costs the go
// command's listing and this, so each file is read once, several at once.
//
// A file in the module cache (GOMODCACHE) stands in keys for its name,
// size and modification time, as a standard-library file does, and only
// its imports are read, for the cgo check. The go command keeps those
// files read-only, as it downloaded and checked them against go.sum, and
// names their directory by the module's version; its own index of the
// module cache is keyed by directory alone on that ground. Editing one
// anyway (after making it writable) changes its modification time, which
// the key holds.

// A fileSum is the SHA-256 hash of a file's content.
type fileSum [sha256.Size]byte

// A sourceFiles holds what the driver has read of the run's files: the
// content hash of each source file, the stamp of each standard-library
// file and which files are in the module cache. It is safe for concurrent
// use.
type sourceFiles struct {
	mu       sync.Mutex
	sums     map[string]fileSum
	stamps   map[string]string
	modCache map[string]bool // in the module cache: stamped, not hashed
}

func newSourceFiles() *sourceFiles {
	return &sourceFiles{sums: make(map[string]fileSum), stamps: make(map[string]string), modCache: make(map[string]bool)}
}

// The ways scan reads a file.
const (
	scanHash     = iota // read it and hash it
	scanModCache        // stamp it, read its imports
	scanStat            // stamp it
)

// scan reads the files of the packages in the graph of pkgs, several at
// once: it hashes the compiled Go files of each package the driver parses
// (outside the standard library, not a generated test main) and stamps
// those of the standard library and of the module cache, the directory
// modCache ("" if unknown). It reports whether a file it read imports "C"
// or cannot be read or parsed: listed without compiled files, such a file
// is cgo's input, which type-checking cannot use, and the full listing
// decides. A file an earlier scan hashed is not read again: after the
// full listing, only cgo's output is new.
func (t *sourceFiles) scan(pkgs []*packages.Package, modCache string) (cgo bool) {
	type job struct {
		name string
		how  int
	}
	var jobs []job
	seen := make(map[string]bool)
	packages.Visit(pkgs, func(p *packages.Package) bool {
		if isTestMain(p) {
			return true // generated: only its imports are parsed
		}
		how := scanHash
		switch {
		case isStdDep(p):
			how = scanStat
		case inModCache(p, modCache):
			how = scanModCache
		}
		for _, name := range p.CompiledGoFiles {
			if !seen[name] {
				seen[name] = true
				jobs = append(jobs, job{name, how})
			}
		}
		return true
	}, nil)
	var found atomic.Bool
	fset := token.NewFileSet()
	parallel(len(jobs), func(i int) {
		name := jobs[i].name
		switch jobs[i].how {
		case scanStat:
			t.stamp(name)
		case scanModCache:
			t.stamp(name)
			t.mu.Lock()
			t.modCache[name] = true
			t.mu.Unlock()
			if fileImportsC(fset, name) {
				found.Store(true)
			}
		case scanHash:
			t.mu.Lock()
			_, done := t.sums[name]
			t.mu.Unlock()
			if done {
				return // read by the scan of the listing before this one
			}
			src, err := os.ReadFile(name)
			if err != nil {
				found.Store(true)
				return
			}
			t.mu.Lock()
			t.sums[name] = sha256.Sum256(src)
			t.mu.Unlock()
			if importsC(fset, name, src) {
				found.Store(true)
			}
		}
	})
	return found.Load()
}

// inModCache reports whether p's files are in the module cache, the
// directory modCache: p belongs to a module at a version, not replaced by
// a directory, whose files are there.
func inModCache(p *packages.Package, modCache string) bool {
	m := p.Module
	if modCache == "" || m == nil || m.Version == "" || m.Replace != nil && m.Replace.Version == "" {
		return false
	}
	for _, name := range p.CompiledGoFiles {
		if !strings.HasPrefix(name, modCache+string(filepath.Separator)) {
			return false
		}
	}
	return true
}

// id returns what stands for the file's content in cache keys: its stamp
// if scan found it in the module cache, or else the hash of its content.
func (t *sourceFiles) id(name string) (string, error) {
	t.mu.Lock()
	mod := t.modCache[name]
	t.mu.Unlock()
	if mod {
		return "stamp " + t.stamp(name), nil
	}
	sum, err := t.sum(name)
	if err != nil {
		return "", err
	}
	return "sha256 " + hex.EncodeToString(sum[:]), nil
}

// fileImportsC reports whether the file imports "C", or cannot be read or
// parsed. It reads the file's start, which holds its imports unless a long
// comment (a cgo preamble, say) comes before them, and the rest only then.
func fileImportsC(fset *token.FileSet, name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return true
	}
	defer f.Close()
	buf := headBufs.Get().(*[]byte)
	defer headBufs.Put(buf)
	n, err := io.ReadFull(f, *buf)
	src := (*buf)[:n:n]
	if err == nil { // there is more
		if paths, ok := headerImports(src); ok {
			return slices.Contains(paths, `"C"`) || slices.Contains(paths, "`C`")
		}
		rest, err := io.ReadAll(f)
		if err != nil {
			return true
		}
		src = append(src, rest...)
	} else if err != io.ErrUnexpectedEOF && err != io.EOF {
		return true
	}
	return importsC(fset, name, src)
}

// headBufs holds the buffers fileImportsC reads the start of a file into:
// a license and the imports fit in most files' first 4 kB.
var headBufs = sync.Pool{New: func() any {
	buf := make([]byte, 4<<10)
	return &buf
}}

// headerImports returns the import paths (quoted, as written) of the Go
// file that src starts, and whether src holds all of them: the package
// clause and the import declarations are followed, within src, by a
// complete token of something else. A prefix that ends inside them, or
// anything the scanner does not accept, returns false.
func headerImports(src []byte) (paths []string, ok bool) {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	bad := false
	s.Init(file, src, func(token.Position, string) { bad = true }, 0)
	next := func() (token.Pos, token.Token, string) { return s.Scan() }
	// spec reads one import spec, after its first token: [name] path.
	spec := func(tok token.Token, lit string) bool {
		if tok == token.IDENT || tok == token.PERIOD {
			_, tok, lit = next()
		}
		if tok != token.STRING {
			return false
		}
		paths = append(paths, lit)
		return true
	}
	for _, want := range []token.Token{token.PACKAGE, token.IDENT, token.SEMICOLON} {
		if _, tok, _ := next(); tok != want {
			return nil, false
		}
	}
	for {
		pos, tok, lit := next()
		if bad {
			return nil, false
		}
		if tok != token.IMPORT {
			text := lit
			if text == "" {
				text = tok.String()
			}
			complete := tok != token.EOF && tok != token.ILLEGAL && file.Offset(pos)+len(text) < len(src)
			return paths, complete
		}
		_, tok, lit = next()
		if tok != token.LPAREN {
			if !spec(tok, lit) {
				return nil, false
			}
		} else {
			for {
				_, tok, lit = next()
				if tok == token.RPAREN {
					break
				}
				if !spec(tok, lit) {
					return nil, false
				}
				if _, tok, _ = next(); tok == token.RPAREN {
					break
				} else if tok != token.SEMICOLON {
					return nil, false
				}
			}
		}
		if _, tok, _ = next(); tok != token.SEMICOLON {
			return nil, false
		}
	}
}

// importsC reports whether the file imports "C", or does not parse.
func importsC(fset *token.FileSet, name string, src []byte) bool {
	f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
	if err != nil {
		return true
	}
	for _, imp := range f.Imports {
		if imp.Path.Value == `"C"` || imp.Path.Value == "`C`" {
			return true
		}
	}
	return false
}

// parallel calls f(0), …, f(n-1), GOMAXPROCS at a time, and returns when
// all have returned.
func parallel(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}

// sum returns the hash of the file's content, reading it unless scan has.
func (t *sourceFiles) sum(name string) (fileSum, error) {
	t.mu.Lock()
	s, ok := t.sums[name]
	t.mu.Unlock()
	if ok {
		return s, nil
	}
	src, err := os.ReadFile(name)
	if err != nil {
		return fileSum{}, err
	}
	s = sha256.Sum256(src)
	t.mu.Lock()
	t.sums[name] = s
	t.mu.Unlock()
	return s, nil
}

// stamp returns the file's name, size and modification time, or says it
// is missing.
func (t *sourceFiles) stamp(name string) string {
	t.mu.Lock()
	s, ok := t.stamps[name]
	t.mu.Unlock()
	if ok {
		return s
	}
	if info, err := os.Stat(name); err == nil {
		s = name + " " + strconv.FormatInt(info.Size(), 10) + " " + strconv.FormatInt(info.ModTime().UnixNano(), 10)
	} else {
		s = name + " missing"
	}
	t.mu.Lock()
	t.stamps[name] = s
	t.mu.Unlock()
	return s
}

// exeIdentity returns what stands for the content of the executable in
// cache keys: the content hash the go command wrote into its build ID, or,
// for an executable without one, the hash of the whole file (17 MB, most
// of the cost of a rerun's own work).
//
// The go command ends an executable's build ID with the hash of the
// linked file's content (it hashes the file, then writes the ID into it),
// so two executables with the same ID have the same content, "(devel)"
// builds included; it is how the go command itself tells its builds
// apart. Only an ID of the go command's form is trusted: four parts, each
// a hash; an ID set by hand (go build -ldflags=-buildid=…, or Bazel's
// "redacted") may name different builds alike, so the file is hashed
// then.
func exeIdentity(exe string) (string, error) {
	if id := goBuildID(exe); isContentBuildID(id) {
		return "buildid " + id, nil
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return "sha256 " + string(h.Sum(nil)), nil
}

// goBuildID returns the go command's build ID of the executable, or "":
// from its ELF note, or else from the marker the linker puts at the start
// of the text of other formats.
func goBuildID(exe string) string {
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		sec := f.Section(".note.go.buildid")
		if sec == nil {
			return ""
		}
		data, err := sec.Data()
		if err != nil || len(data) < 16 {
			return ""
		}
		order := f.ByteOrder
		namesz, descsz, tag := order.Uint32(data), order.Uint32(data[4:]), order.Uint32(data[8:])
		const goBuildIDTag = 4
		if namesz != 4 || tag != goBuildIDTag || string(data[12:16]) != "Go\x00\x00" || uint64(len(data)) < 16+uint64(descsz) {
			return ""
		}
		return string(data[16 : 16+descsz])
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 32<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	const prefix, suffix = "\xff Go build ID: \"", "\"\n \xff"
	i := bytes.Index(head, []byte(prefix))
	if i < 0 {
		return ""
	}
	rest := head[i+len(prefix):]
	j := bytes.Index(rest, []byte(suffix))
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// isContentBuildID reports whether id has the form the go command gives
// an executable's build ID: four parts, each a hash in its encoding (20
// characters of unpadded URL-safe base64), the last the content's.
func isContentBuildID(id string) bool {
	parts := strings.Split(id, "/")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if len(p) != 20 || strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			return false
		}
	}
	return true
}
