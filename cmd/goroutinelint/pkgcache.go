package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/tools/go/packages"
)

// The package driver's cache. Each analysed package leaves one file, named
// by the hash of everything its analysis depends on (cacheKey): the
// executable's content (exeIdentity: so that a rebuilt tool, "(devel)" or
// not, never replays another's results), the flags, the package's files
// (sourceFiles), the export data of its imports (files the go command
// names by their content) and the facts of the packages it depends on. An edit that changes neither a
// package's export data nor its facts leaves its importers' keys alone.
//
// The cache lives in $GOROUTINELINT_CACHE, or else in the directory
// goroutinelint under the user's cache directory (os.UserCacheDir: for
// example ~/.cache/goroutinelint on Linux); GOROUTINELINT_CACHE=off turns
// it off. Like the go command's cache it is trimmed as it is used: a run
// at most once a day deletes the entries no run has used for five days.
// Removing the directory is always safe.

// envCache names the cache directory, or "off".
const envCache = "GOROUTINELINT_CACHE"

// cacheVersion changes whenever the layout or meaning of entries does.
const cacheVersion = "goroutinelint package cache 4"

// Trimming, as the go command trims its build cache.
const (
	cacheTrimInterval = 24 * time.Hour     // between trims
	cacheTrimAge      = 5 * 24 * time.Hour // unused this long, an entry goes
	cacheTouchAge     = time.Hour          // an entry used is marked at most this often
)

// A cacheKey is the hash naming one package's analysis.
type cacheKey [sha256.Size]byte

// A cacheEntry is what the analysis of one package leaves. Its file holds
// two values: the head, which a replay reads, then the body, which only
// the analysis of an importer needs, read then.
type cacheEntry struct {
	cacheHead

	file     string // the entry's file, for its body
	bodyOnce sync.Once
	body     cacheBody
	bodyErr  error
}

// A cacheHead is the part of an entry a replay reads.
type cacheHead struct {
	Root     bool          // analysed as a root: Diags hold its findings
	TypesSum fileSum       // the hash of body.Types, for importers' keys
	FactsSum fileSum       // the hash of body.Facts, for importers' keys
	Diags    []cachedDiag  // its findings, as go vet -json prints them
	Failures []passFailure // the passes that failed
}

// A cacheBody is the part of an entry that importers analysed read.
type cacheBody struct {
	Facts []byte // its own facts (pkgfacts.go)
	Types []byte // its types, as export data (gcexportdata)
}

// newCacheEntry returns the entry of a package just analysed.
func newCacheEntry(root bool, facts, types []byte, diags []cachedDiag, failures []passFailure) *cacheEntry {
	e := &cacheEntry{
		cacheHead: cacheHead{Root: root, TypesSum: sha256.Sum256(types), FactsSum: sha256.Sum256(facts), Diags: diags, Failures: failures},
		body:      cacheBody{Facts: facts, Types: types},
	}
	e.bodyOnce.Do(func() {})
	return e
}

// cacheable reports whether e may be replayed: a failed pass is run again,
// so that its error (or the panic's message) is printed again.
func (e *cacheEntry) cacheable() bool { return len(e.Failures) == 0 }

// facts returns the package's encoded facts.
func (e *cacheEntry) facts() ([]byte, error) {
	e.readBody()
	return e.body.Facts, e.bodyErr
}

// types returns the package's types, as export data.
func (e *cacheEntry) types() ([]byte, error) {
	e.readBody()
	return e.body.Types, e.bodyErr
}

// readBody reads the body of a replayed entry, once. Another run may have
// stored the entry again since its head was read: under the same key, it
// holds the analysis of the same inputs by the same executable.
func (e *cacheEntry) readBody() {
	e.bodyOnce.Do(func() {
		f, err := os.Open(e.file)
		if err != nil {
			e.bodyErr = fmt.Errorf("cache: %v", err)
			return
		}
		defer f.Close()
		dec := gob.NewDecoder(bufio.NewReader(f))
		var head cacheHead
		if err := cmpErr(dec.Decode(&head), dec.Decode(&e.body)); err != nil {
			e.bodyErr = fmt.Errorf("cache: reading %s: %v", e.file, err)
		}
	})
}

// A cachedDiag is one finding of a pass.
type cachedDiag struct {
	Pass string
	Diag jsonDiagnostic
}

// A passFailure is a pass that failed on a package, other than by a
// failed prerequisite.
type passFailure struct {
	Pass     string
	Err      string
	Panicked bool // guardRuns has printed it
}

// A cache is the cache directory, or nothing when dir is "".
type cache struct {
	dir string
}

// openCache returns the cache in dir, or else the one the environment
// names, made if need be.
func openCache(dir string) (*cache, error) {
	if dir == "" {
		dir = os.Getenv(envCache)
	}
	switch dir {
	case "off":
		return &cache{}, nil
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return &cache{}, nil // nowhere to keep it: run without one
		}
		dir = filepath.Join(base, "goroutinelint")
	}
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("%s=%s: not an absolute path", envCache, dir)
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("cache: %v", err)
	}
	return &cache{dir: dir}, nil
}

// file returns the name of the entry for key.
func (c *cache) file(key cacheKey) string {
	name := hex.EncodeToString(key[:])
	return filepath.Join(c.dir, name[:2], name+"-a")
}

// get returns the entry for key, if there is a readable one.
func (c *cache) get(key cacheKey) (*cacheEntry, bool) {
	if c.dir == "" {
		return nil, false
	}
	name := c.file(key)
	f, err := os.Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	e := &cacheEntry{file: name}
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&e.cacheHead); err != nil {
		return nil, false // damaged: analyse again, and overwrite it
	}
	if info, err := f.Stat(); err == nil {
		keepUsed(name, info)
	}
	return e, true
}

// put stores e under key. A cache that cannot be written costs reruns,
// not the run: errors are dropped.
func (c *cache) put(key cacheKey, e *cacheEntry) {
	if c.dir == "" {
		return
	}
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	if err := cmpErr(enc.Encode(&e.cacheHead), enc.Encode(&e.body)); err != nil {
		return
	}
	c.write(key, buf.Bytes())
}

// write stores data in the file of key, whole or not at all.
func (c *cache) write(key cacheKey, data []byte) {
	name := c.file(key)
	if err := os.MkdirAll(filepath.Dir(name), 0o777); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-")
	if err != nil {
		return
	}
	_, err = tmp.Write(data)
	if err = cmpErr(err, tmp.Close()); err == nil {
		err = os.Rename(tmp.Name(), name) // whole or absent, for concurrent runs
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

// A listing hint says how the last run with the same patterns, flags and
// build settings in the same directory had to list its packages: with
// cgo's compiled files or not. It saves a rerun the listing it would
// otherwise make first and then make again (list); a wrong hint costs
// time, not results, and is corrected by the run.

// hintKey returns the key of the listing hint of a run of c.
func (c *command) hintKey(patterns []string) cacheKey {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00listing hint\x00dir=%s\x00tests=%v\x00tags=%s\x00", cacheVersion, c.cwd, c.tests, c.tags)
	for _, p := range patterns {
		fmt.Fprintf(h, "pattern=%s\x00", p)
	}
	for _, v := range []string{"GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT", "GOFLAGS", "GOWORK", "GO111MODULE"} {
		fmt.Fprintf(h, "%s=%s\x00", v, os.Getenv(v))
	}
	var key cacheKey
	h.Sum(key[:0])
	return key
}

// hintCompiled reports whether the listing hint of key asks for cgo's
// compiled files.
func (c *cache) hintCompiled(key cacheKey) bool {
	if c.dir == "" {
		return false
	}
	name := c.file(key)
	data, err := os.ReadFile(name)
	if err != nil || string(data) != "compiled\n" {
		return false
	}
	if info, err := os.Stat(name); err == nil {
		keepUsed(name, info)
	}
	return true
}

// keepUsed marks the cache file name, just used, as used, so that trims
// keep it: it moves its modification time to now, unless that was done
// less than cacheTouchAge ago.
func keepUsed(name string, info fs.FileInfo) {
	if time.Since(info.ModTime()) > cacheTouchAge {
		now := time.Now()
		os.Chtimes(name, now, now)
	}
}

// setHintCompiled stores the listing hint of key, if it changed.
func (c *cache) setHintCompiled(key cacheKey, compiled, was bool) {
	switch {
	case c.dir == "" || compiled == was:
	case compiled:
		c.write(key, []byte("compiled\n"))
	default:
		os.Remove(c.file(key))
	}
}

// trim deletes the entries unused for cacheTrimAge, at most once every
// cacheTrimInterval.
func (c *cache) trim() {
	if c.dir == "" {
		return
	}
	mark := filepath.Join(c.dir, "trim.txt")
	if data, err := os.ReadFile(mark); err == nil {
		if sec, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil && time.Since(time.Unix(sec, 0)) < cacheTrimInterval {
			return
		}
	}
	now := time.Now()
	if os.WriteFile(mark, []byte(strconv.FormatInt(now.Unix(), 10)+"\n"), 0o666) != nil {
		return
	}
	filepath.WalkDir(c.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "-a") && !strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		if info, err := d.Info(); err == nil && now.Sub(info.ModTime()) > cacheTrimAge {
			os.Remove(path)
		}
		return nil
	})
}

// toolKey hashes what every key shares: the cache version, the
// executable's content and the flags that decide what is analysed and how.
func (d *pkgDriver) toolKey() error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot find own executable: %v", err)
	}
	id, err := exeIdentity(exe)
	if err != nil {
		return err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", cacheVersion, id)
	c := d.c
	fmt.Fprintf(h, "\x00tests=%v\x00tags=%s\x00", c.tests, c.tags)
	for _, a := range d.analyzers {
		fmt.Fprintf(h, "pass=%s\x00", a.Name)
	}
	for _, a := range c.analyzers {
		a.Flags.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(h, "-%s.%s=%s\x00", a.Name, f.Name, f.Value)
		})
	}
	// The standard library's export data (stdKey) also depends on the
	// toolchain and the build settings.
	fmt.Fprintf(h, "goroot=%s\x00", goRootVersion())
	for _, v := range []string{"GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT", "GOFLAGS", "GOAMD64", "GOARM64", "GOTOOLCHAIN"} {
		fmt.Fprintf(h, "%s=%s\x00", v, os.Getenv(v))
	}
	d.tool = h.Sum(nil)
	return nil
}

// goRootVersion returns the go command's GOROOT and its VERSION file, or
// the time the go command's binary was built when there is none (a
// toolchain built from source).
func goRootVersion() string {
	root := goEnv().goroot
	if root == "" {
		return ""
	}
	if data, err := os.ReadFile(filepath.Join(root, "VERSION")); err == nil {
		return root + " " + string(data)
	}
	if info, err := os.Stat(filepath.Join(root, "bin", "go")); err == nil {
		return root + " " + info.ModTime().String()
	}
	return root
}

// goEnv returns the go command's GOROOT, GOARCH and GOMODCACHE ("" when
// it cannot say), asking it once.
var goEnv = sync.OnceValue(func() (env struct{ goroot, goarch, modCache string }) {
	out, err := exec.Command("go", "env", "GOROOT", "GOARCH", "GOMODCACHE").Output()
	if err != nil {
		return env
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		return env
	}
	env.goroot, env.goarch, env.modCache = strings.TrimSpace(lines[0]), strings.TrimSpace(lines[1]), strings.TrimSpace(lines[2])
	return env
})

// stdKey stands for the export data of a standard-library package in
// cache keys, without asking the go command for it: the package's files,
// their sizes and modification times, and the same of its imports. With
// the toolchain and the build settings in the tool's key, it changes
// whenever the export data may.
func (d *pkgDriver) stdKey(p *packages.Package) []byte {
	if k, ok := d.stdKeys.Load(p); ok {
		return k.([]byte)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", p.ID)
	for _, name := range p.CompiledGoFiles {
		fmt.Fprintf(h, "%s\x00", d.files.stamp(name))
	}
	for _, path := range sortedKeys(p.Imports) {
		if imp := p.Imports[path]; imp.PkgPath != "unsafe" {
			fmt.Fprintf(h, "import=%s %x\x00", path, d.stdKey(imp))
		}
	}
	k := h.Sum(nil)
	d.stdKeys.Store(p, k)
	return k
}

// keyOf returns the key of u's analysis. Its dependencies are done.
func (d *pkgDriver) keyOf(u *unit) (cacheKey, error) {
	p := u.pkg
	h := sha256.New()
	h.Write(d.tool)
	fmt.Fprintf(h, "\x00root=%v\x00id=%s\x00path=%s\x00name=%s\x00", u.root, p.ID, p.PkgPath, p.Name)
	if p.Module != nil {
		fmt.Fprintf(h, "module=%s@%s go%s\x00", p.Module.Path, p.Module.Version, p.Module.GoVersion)
	}
	fmt.Fprintf(h, "sizes=%v\x00", p.TypesSizes)
	for _, name := range p.CompiledGoFiles {
		id, err := d.files.id(name)
		if err != nil {
			return cacheKey{}, err
		}
		fmt.Fprintf(h, "file=%s %s\x00", name, id)
	}
	for _, names := range [][]string{p.GoFiles, p.OtherFiles, p.IgnoredFiles} {
		fmt.Fprintf(h, "names=%q\x00", names)
	}
	for _, path := range sortedKeys(p.Imports) {
		imp := p.Imports[path]
		if dep, ok := d.units[imp]; ok && !fromExportData(imp) {
			fmt.Fprintf(h, "import=%s %s types %x\x00", path, imp.ID, dep.entry.TypesSum)
			continue
		}
		fmt.Fprintf(h, "import=%s %s %x\x00", path, imp.ID, d.stdKey(imp))
	}
	for _, dep := range transitiveDeps(u) {
		fmt.Fprintf(h, "facts=%s %x\x00", dep.pkg.ID, dep.entry.FactsSum)
	}
	var key cacheKey
	h.Sum(key[:0])
	return key, nil
}
