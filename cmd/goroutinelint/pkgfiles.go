package main

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"go/parser"
	"go/token"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/tools/go/packages"
)

// What the package driver reads of a run's files before it can replay a
// package: the content of each source file it parses (for the cgo check
// and the cache keys), the size and modification time of each
// standard-library file (stdKey), and the executable's identity
// (toolKey). An unchanged rerun costs the go command's listing and this,
// so each file is read once, several at once.

// A fileSum is the SHA-256 hash of a file's content.
type fileSum [sha256.Size]byte

// A sourceFiles holds what the driver has read of the run's files: the
// content hash of each source file and the stamp of each standard-library
// file. It is safe for concurrent use.
type sourceFiles struct {
	mu     sync.Mutex
	sums   map[string]fileSum
	stamps map[string]string
}

func newSourceFiles() *sourceFiles {
	return &sourceFiles{sums: make(map[string]fileSum), stamps: make(map[string]string)}
}

// scan reads the files of the packages in the graph of pkgs, several at
// once: it hashes the compiled Go files of each package the driver parses
// (outside the standard library, not a generated test main) and stamps
// those of the standard library. It reports whether a hashed file imports
// "C" or cannot be read or parsed: listed without compiled files, such a
// file is cgo's input, which type-checking cannot use, and the full
// listing decides.
func (t *sourceFiles) scan(pkgs []*packages.Package) (cgo bool) {
	var hash, stat []string
	seen := make(map[string]bool)
	packages.Visit(pkgs, func(p *packages.Package) bool {
		if isTestMain(p) {
			return true // generated: only its imports are parsed
		}
		list := &hash
		if isStdDep(p) {
			list = &stat
		}
		for _, name := range p.CompiledGoFiles {
			if !seen[name] {
				seen[name] = true
				*list = append(*list, name)
			}
		}
		return true
	}, nil)
	var found atomic.Bool
	fset := token.NewFileSet()
	parallel(len(hash)+len(stat), func(i int) {
		if i >= len(hash) {
			t.stamp(stat[i-len(hash)])
			return
		}
		name := hash[i]
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
	})
	return found.Load()
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
