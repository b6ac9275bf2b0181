package lsp

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure the analysis shared by both modes.
type Options struct {
	// VetTool is the goroutinelint binary, which go vet runs as its vet tool.
	VetTool string
	// PassFlags returns a fresh flag set holding -<pass> and -<pass>.<flag>
	// for every pass, against which settings are checked.
	PassFlags func() *flag.FlagSet
	// URLs maps a pass to its documentation, linked from its diagnostics.
	URLs map[string]string
	// Debounce is how long a changed buffer must stay unchanged before it
	// is analysed; a save is analysed at once. Zero means 250ms.
	Debounce time.Duration
	// Log receives messages worth the user's attention (a package that
	// fails to build, a bad setting). It may be nil.
	Log func(msg string)
}

// defaultDebounce is the quiet time after a change that starts an analysis.
const defaultDebounce = 250 * time.Millisecond

// An engine tracks open documents, analyses their packages with go vet and
// keeps the latest findings per document.
type engine struct {
	opts    Options
	publish func(uri string, diags []Diagnostic) // called in order, with mu held

	mu        sync.Mutex
	enc       string
	docs      map[string]*document       // by file path
	found     map[string][]finding       // by URI
	published map[string]map[string]bool // by package directory: the URIs its last run published
	dirs      map[string]*dirState       // by package directory
	settings  settings
	tmp       string // holds the overlay files
	nextDoc   int
	closed    bool

	sem chan struct{} // one go vet at a time: the machine is shared with the editor
	wg  sync.WaitGroup
}

// A document is an open buffer.
type document struct {
	uri     string
	path    string
	version int32
	text    []byte
	overlay string // the file that holds text for go vet's -overlay
	written []byte // the text the overlay file holds
}

// A finding is one diagnostic and its fixes as code actions.
type finding struct {
	diag  Diagnostic
	fixes []CodeAction
}

// A dirState is the analysis of one package directory: a generation
// number that every new request bumps (so a late result of an outdated
// run is dropped), the pending timer and the running go vet.
type dirState struct {
	gen    int
	timer  *time.Timer
	cancel context.CancelFunc
}

// newEngine returns an engine that calls publish with each document's
// latest findings.
func newEngine(opts Options, publish func(uri string, diags []Diagnostic)) (*engine, error) {
	if opts.Debounce <= 0 {
		opts.Debounce = defaultDebounce
	}
	tmp, err := os.MkdirTemp("", "goroutinelint-lsp-")
	if err != nil {
		return nil, err
	}
	return &engine{
		opts:      opts,
		publish:   publish,
		enc:       encUTF16,
		docs:      make(map[string]*document),
		found:     make(map[string][]finding),
		published: make(map[string]map[string]bool),
		dirs:      make(map[string]*dirState),
		settings:  settings{test: true},
		tmp:       tmp,
		sem:       make(chan struct{}, 1),
	}, nil
}

// logf sends a message to the Log option.
func (e *engine) logf(format string, args ...any) {
	if e.opts.Log != nil {
		e.opts.Log(fmt.Sprintf(format, args...))
	}
}

// setEncoding sets the negotiated position encoding.
func (e *engine) setEncoding(enc string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.enc = cmp.Or(enc, encUTF16)
}

// configure replaces the settings with raw (see parseSettings) and
// re-analyses every package with an open document.
func (e *engine) configure(raw json.RawMessage) {
	s, warnings := parseSettings(raw, e.opts.PassFlags)
	for _, w := range warnings {
		e.logf("goroutinelint: %s", w)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if slices.Equal(s.flags, e.settings.flags) && s.test == e.settings.test {
		return // nothing changed: no need to analyse again
	}
	e.settings = s
	for _, dir := range e.openDirs() {
		e.schedule(dir, 0)
	}
}

// openDirs returns the directories of the open Go documents, sorted.
func (e *engine) openDirs() []string {
	var dirs []string
	for path := range e.docs {
		if dir := filepath.Dir(path); !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
	}
	sort.Strings(dirs)
	return dirs
}

// didOpen records an opened document and analyses its package.
func (e *engine) didOpen(p DidOpenParams) {
	path, ok := goFile(p.TextDocument.URI)
	if !ok {
		return // not a Go file on disk: nothing to analyse
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nextDoc++
	e.docs[path] = &document{
		uri:     p.TextDocument.URI,
		path:    path,
		version: p.TextDocument.Version,
		text:    []byte(p.TextDocument.Text),
		overlay: filepath.Join(e.tmp, fmt.Sprint(e.nextDoc), filepath.Base(path)),
	}
	e.schedule(filepath.Dir(path), e.opts.Debounce/5)
}

// didChange applies a change to an open document and analyses its package
// once the buffer has been quiet for the debounce time.
func (e *engine) didChange(p DidChangeParams) {
	path, ok := goFile(p.TextDocument.URI)
	if !ok {
		return // not a Go file
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	doc := e.docs[path]
	if doc == nil {
		return // a change to a document never opened: a client bug, ignored
	}
	text, err := applyChanges(doc.text, p.ContentChanges, e.enc)
	if err != nil {
		e.logf("goroutinelint: %s: %v; the buffer is out of sync until it is reopened", path, err)
		return
	}
	doc.text, doc.version = text, p.TextDocument.Version
	e.schedule(filepath.Dir(path), e.opts.Debounce)
}

// didSave analyses the saved document's package at once, and the other
// open packages, which may depend on it, after the debounce time.
func (e *engine) didSave(p DidSaveParams) {
	path, ok := goFile(p.TextDocument.URI)
	if !ok {
		return // not a Go file
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if doc := e.docs[path]; doc != nil && p.Text != nil {
		doc.text = []byte(*p.Text)
	}
	dir := filepath.Dir(path)
	e.schedule(dir, 0)
	for _, other := range e.openDirs() {
		if other != dir {
			e.schedule(other, e.opts.Debounce)
		}
	}
}

// didClose forgets a document; its package is analysed again from disk,
// since the buffer may have been discarded unsaved.
func (e *engine) didClose(p DidCloseParams) {
	path, ok := goFile(p.TextDocument.URI)
	if !ok {
		return // not a Go file
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, open := e.docs[path]; !open {
		return // never opened
	}
	delete(e.docs, path)
	e.schedule(filepath.Dir(path), e.opts.Debounce)
}

// schedule (with mu held) starts an analysis of dir after delay, replacing
// any pending or running one.
func (e *engine) schedule(dir string, delay time.Duration) {
	if e.closed {
		return
	}
	st := e.dirs[dir]
	if st == nil {
		st = new(dirState)
		e.dirs[dir] = st
	}
	st.gen++
	gen := st.gen
	if st.timer != nil {
		st.timer.Stop()
	}
	if st.cancel != nil {
		st.cancel() // its result would be out of date
		st.cancel = nil
	}
	st.timer = time.AfterFunc(delay, func() { e.analyze(dir, gen) })
}

// A snapshot is what one analysis sees: the overlay and the texts of the
// open documents at the time it started.
type snapshot struct {
	enc      string
	settings settings
	overlay  string            // the -overlay file, or "" if no document is open
	real     map[string]string // overlay file -> the file it stands for
	texts    map[string][]byte // by path: open documents' texts, then files read from disk
	uris     map[string]string // by path: the URIs the client uses
}

// analyze runs go vet on dir's package, if gen is still the latest request
// for dir, and publishes the findings.
func (e *engine) analyze(dir string, gen int) {
	e.mu.Lock()
	st := e.dirs[dir]
	if e.closed || st.gen != gen {
		e.mu.Unlock()
		return // superseded
	}
	ctx, cancel := context.WithCancel(context.Background())
	st.cancel = cancel
	e.wg.Add(1)
	e.mu.Unlock()
	defer e.wg.Done()
	defer cancel()

	select {
	case e.sem <- struct{}{}:
		defer func() { <-e.sem }()
	case <-ctx.Done():
		return // superseded while waiting for another run
	}
	snap, err := e.snapshot(gen, dir)
	if err != nil {
		e.logf("goroutinelint: %v", err)
		return
	}
	if snap == nil {
		return // superseded
	}
	diags, err := vetRun{tool: e.opts.VetTool, dir: dir, overlay: snap.overlay, flags: snap.settings.flags}.run(ctx)
	if ctx.Err() != nil {
		return // superseded while running
	}
	if err != nil {
		// Unknown means silent: a package that does not build has no
		// findings (gopls shows why it does not build).
		e.logf("goroutinelint: %s: %v", dir, err)
	}
	found := snap.convert(diags, e.opts.URLs)

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || st.gen != gen {
		return // superseded after running
	}
	st.cancel = nil
	old := e.published[dir]
	now := make(map[string]bool)
	for uri, fs := range found {
		now[uri] = true
		e.found[uri] = fs
	}
	for uri := range old {
		if !now[uri] {
			delete(e.found, uri)
		}
	}
	e.published[dir] = now
	// Open documents of the package get their (maybe empty) set too, so
	// the editor knows the analysis is done.
	touched := maps.Clone(old)
	if touched == nil {
		touched = make(map[string]bool)
	}
	for path, doc := range e.docs {
		if filepath.Dir(path) == dir {
			touched[doc.uri] = true
		}
	}
	for _, uri := range sortedKeys(now, touched) {
		var diags []Diagnostic
		for _, f := range e.found[uri] {
			diags = append(diags, f.diag)
		}
		e.publish(uri, diags)
	}
}

// sortedKeys returns the keys of a and b, sorted.
func sortedKeys(a, b map[string]bool) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if !a[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// snapshot writes the overlay for an analysis and returns what it sees,
// or nil if gen is no longer the latest request for dir.
func (e *engine) snapshot(gen int, dir string) (*snapshot, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || e.dirs[dir].gen != gen {
		return nil, nil
	}
	s := &snapshot{
		enc:      e.enc,
		settings: e.settings,
		real:     make(map[string]string),
		texts:    make(map[string][]byte),
		uris:     make(map[string]string),
	}
	replace := make(map[string]string)
	for path, doc := range e.docs {
		if doc.written == nil || string(doc.written) != string(doc.text) {
			if err := os.MkdirAll(filepath.Dir(doc.overlay), 0o700); err != nil {
				return nil, err
			}
			if err := os.WriteFile(doc.overlay, doc.text, 0o600); err != nil {
				return nil, err
			}
			doc.written = doc.text
		}
		replace[path] = doc.overlay
		s.real[doc.overlay] = path
		s.texts[path] = doc.text
		s.uris[path] = doc.uri
	}
	if len(replace) > 0 {
		s.overlay = filepath.Join(e.tmp, "overlay.json")
		if err := writeOverlay(s.overlay, replace); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// file returns the real path of a file go vet named, and its text.
func (s *snapshot) file(name string) (string, []byte, bool) {
	if real, ok := s.real[name]; ok {
		name = real
	}
	if text, ok := s.texts[name]; ok {
		return name, text, true
	}
	text, err := os.ReadFile(name)
	if err != nil {
		return "", nil, false
	}
	s.texts[name] = text
	return name, text, true
}

// uri returns the URI of a path, as the client spells it if it opened it.
func (s *snapshot) uri(path string) string {
	if uri, ok := s.uris[path]; ok {
		return uri
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// location converts go vet's "file:line:col" start and end to a location.
func (s *snapshot) location(posn, end string) (Location, []byte, bool) {
	file, line, col, ok := splitPosn(posn)
	if !ok {
		return Location{}, nil, false
	}
	path, text, ok := s.file(file)
	if !ok {
		return Location{}, nil, false
	}
	start := lineColOffset(text, line, col)
	stop := start
	if efile, eline, ecol, ok := splitPosn(end); ok && efile == file {
		stop = max(start, lineColOffset(text, eline, ecol))
	}
	r := Range{Start: offsetPosition(text, start, s.enc), End: offsetPosition(text, stop, s.enc)}
	return Location{URI: s.uri(path), Range: r}, text, true
}

// convert turns go vet's diagnostics into findings by URI, without
// duplicates (a package and its test variant report the same ones).
func (s *snapshot) convert(diags []vetDiagnostic, urls map[string]string) map[string][]finding {
	out := make(map[string][]finding)
	seen := make(map[string]bool)
	for _, d := range diags {
		loc, _, ok := s.location(d.Posn, d.End)
		if !ok {
			continue // no position in a file we can read: nowhere to show it
		}
		if !s.settings.test && strings.HasSuffix(loc.URI, "_test.go") {
			continue // test files are off
		}
		key := fmt.Sprintf("%s:%v:%s", loc.URI, loc.Range, d.Message)
		if seen[key] {
			continue // reported through the test variant too
		}
		seen[key] = true
		diag := Diagnostic{
			Range:    loc.Range,
			Severity: severityWarning,
			Code:     d.pass,
			Source:   "goroutinelint",
			Message:  d.Message,
		}
		if u := urls[d.pass]; u != "" {
			diag.CodeDescription = &CodeDescription{Href: u}
		}
		for _, r := range d.Related {
			if rloc, _, ok := s.location(r.Posn, r.End); ok {
				diag.RelatedInformation = append(diag.RelatedInformation, DiagnosticRelatedInformation{Location: rloc, Message: r.Message})
			}
		}
		f := finding{diag: diag}
		for _, fix := range d.SuggestedFixes {
			if edit := s.workspaceEdit(fix.Edits); edit != nil {
				f.fixes = append(f.fixes, CodeAction{
					Title:       fix.Message,
					Kind:        kindQuickFix,
					Diagnostics: []Diagnostic{diag},
					IsPreferred: len(d.SuggestedFixes) == 1,
					Edit:        edit,
					Data:        actionData,
				})
			}
		}
		out[loc.URI] = append(out[loc.URI], f)
	}
	for _, fs := range out {
		slices.SortStableFunc(fs, func(a, b finding) int { return comparePos(a.diag.Range.Start, b.diag.Range.Start) })
	}
	return out
}

// workspaceEdit converts a fix's byte-offset edits, or returns nil if a
// file cannot be read.
func (s *snapshot) workspaceEdit(edits []vetEdit) *WorkspaceEdit {
	w := &WorkspaceEdit{Changes: make(map[string][]TextEdit)}
	for _, e := range edits {
		path, text, ok := s.file(e.Filename)
		if !ok || e.Start > e.End || e.End > len(text) {
			return nil // a fix we cannot express is better left out
		}
		uri := s.uri(path)
		w.Changes[uri] = append(w.Changes[uri], TextEdit{
			Range:   Range{Start: offsetPosition(text, e.Start, s.enc), End: offsetPosition(text, e.End, s.enc)},
			NewText: e.New,
		})
	}
	return w
}

// comparePos orders positions.
func comparePos(a, b Position) int {
	return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Character, b.Character))
}

// codeActions returns the quick fixes of the findings in p's document
// whose range meets p's range.
func (e *engine) codeActions(p CodeActionParams) []CodeAction {
	if len(p.Context.Only) > 0 && !slices.ContainsFunc(p.Context.Only, func(k string) bool {
		return k == kindQuickFix || strings.HasPrefix(kindQuickFix, k+".")
	}) {
		return nil // the client asks for other kinds only
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []CodeAction
	for _, f := range e.found[p.TextDocument.URI] {
		r := f.diag.Range
		if comparePos(r.End, p.Range.Start) < 0 || comparePos(p.Range.End, r.Start) < 0 {
			continue // elsewhere in the file
		}
		out = append(out, f.fixes...)
	}
	return out
}

// close cancels every analysis, waits for them and removes the overlays.
func (e *engine) close() {
	e.mu.Lock()
	e.closed = true
	for _, st := range e.dirs {
		if st.timer != nil {
			st.timer.Stop()
		}
		if st.cancel != nil {
			st.cancel()
		}
	}
	e.mu.Unlock()
	e.wg.Wait()
	os.RemoveAll(e.tmp)
}

// goFile returns the path of a file: URI naming a Go file.
func goFile(uri string) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || !strings.HasSuffix(u.Path, ".go") {
		return "", false
	}
	return filepath.FromSlash(u.Path), true
}
