package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/token"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// Environment variables between the standalone driver, the go vet it
// starts and the vet tool (this binary again) that go vet runs per package.
const (
	// envVetMode tells the vet tool how the driver wants packages
	// analyzed: vetModeNoTests for -test=false. The tool folds it into
	// its -V=full identity, so go vet caches the modes apart.
	envVetMode = "GOROUTINELINT_VET_MODE"
	// envAnalysedLog names a file to which the vet tool appends the ID
	// of each package it analyses: go vet replays the others from its
	// cache without starting the tool. It is a debugging aid and leaves
	// the cache key alone.
	envAnalysedLog = "GOROUTINELINT_ANALYSED_LOG"
	// envDebug set to "analysed" makes a standalone run print, after its
	// findings, the packages it analysed rather than replayed.
	envDebug = "GOROUTINELINT_DEBUG"
)

// vetModeNoTests is envVetMode for -test=false: the tool drops _test.go
// files from the packages go vet hands it and skips test-only packages.
const vetModeNoTests = "notests"

// analyzeVet is the go vet driver (-driver=vet). It runs
// go vet -vettool=<this binary> -json over patterns, so the go command
// schedules one small process per package, passes facts between them in
// files and caches every package's facts and findings by action ID (the
// executable's content hash from -V=full, the vet flags, the package's
// sources and its dependencies' results). It renders the findings as the
// whole-program driver does. When go vet fails or warns, it loads the
// packages as the whole-program driver does to print the same messages.
func (c *command) analyzeVet(patterns []string) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: cannot find own executable for go vet: %v\n", progName, err)
		return exitError
	}
	logFile, err := c.analysedLog()
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: %v\n", progName, err)
		return exitError
	}
	if logFile != "" {
		defer os.Remove(logFile)
	}
	stdout, stderr, vetErr := c.runGoVet(exe, patterns, logFile)
	var exitErr *exec.ExitError
	if vetErr != nil && !errors.As(vetErr, &exitErr) {
		fmt.Fprintf(c.stderr, "%s: cannot run go vet: %v\n", progName, vetErr)
		return exitError
	}
	if vetErr != nil || noMatchWarning.Match(stderr) {
		if !c.explainVet(patterns, vetErr != nil, stderr) {
			return exitError
		}
	}
	c.forwardToolOutput(stderr)
	findings, ok := c.decodeVetJSON(stdout)
	if logFile != "" {
		c.printAnalysed(logFile)
	}
	if !ok {
		return exitError
	}
	return c.render(c.selected(), findings)
}

// render prints or fixes findings as the flags ask and returns the exit
// code. Both drivers end here.
func (c *command) render(analyzers []*analysis.Analyzer, findings []finding) int {
	switch {
	case c.fix:
		return c.applyFixes(findings)
	case c.json:
		return c.printJSON(findings)
	case c.sarif:
		return c.printSARIF(analyzers, findings)
	}
	return c.printText(findings)
}

// runGoVet runs go vet with this binary as its tool in the working
// directory and returns what it printed.
func (c *command) runGoVet(exe string, patterns []string, logFile string) (stdout, stderr []byte, err error) {
	args := []string{"vet", "-vettool=" + exe, "-json"}
	if c.tags != "" {
		args = append(args, "-tags="+c.tags)
	}
	args = append(args, c.passFlags()...)
	args = append(args, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = c.cwd
	cmd.Env = append(os.Environ(), envVetMode+"=", envAnalysedLog+"="+logFile)
	if !c.tests {
		cmd.Env = append(cmd.Env, envVetMode+"="+vetModeNoTests)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.Bytes(), errOut.Bytes(), err
}

// passFlags returns the -<pass> and -<pass>.<flag> flags set on the
// command line, as go vet passes them on to the tool.
func (c *command) passFlags() []string {
	var out []string
	c.flags.Visit(func(f *flag.Flag) {
		for _, a := range c.analyzers {
			if f.Name == a.Name || strings.HasPrefix(f.Name, a.Name+".") {
				out = append(out, "-"+f.Name+"="+f.Value.String())
				return
			}
		}
	})
	return out
}

// noMatchWarning matches the go command's warning about a pattern that
// matches no packages.
var noMatchWarning = regexp.MustCompile(`(?m)^go: warning: ".*" matched no packages$`)

// explainVet prints what went wrong when go vet failed (failed) or warned
// about patterns: it loads the packages as the whole-program driver does,
// which prints load and type errors and unmatched patterns in the
// driver's own words, and reports whether analysis may go on (the run
// only warned). If go vet failed and the load finds nothing wrong, it
// prints go vet's own output. After a failure the load type-checks every
// package, which costs the whole program's memory, but only on code that
// does not build.
func (c *command) explainVet(patterns []string, failed bool, vetStderr []byte) bool {
	mode := packages.NeedName | packages.NeedFiles | packages.NeedModule
	if failed {
		mode = loadMode(c.selected())
	}
	if _, ok := c.loadWith(patterns, mode); !ok {
		return false
	}
	if failed {
		c.stderr.Write(vetStderr)
		fmt.Fprintf(c.stderr, "%s: go vet failed; nothing was analyzed\n", progName)
		return false
	}
	return true
}

// forwardToolOutput prints what the vet tool printed on stderr while it
// analysed packages (a function treated as unknown after a panic, say),
// without go vet's "# package" headers and the warnings explainVet has
// reworded.
func (c *command) forwardToolOutput(stderr []byte) {
	sc := bufio.NewScanner(bytes.NewReader(stderr))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# ") || noMatchWarning.MatchString(line) {
			continue // go vet's header for the tool's output, or reworded
		}
		fmt.Fprintln(c.stderr, line)
	}
}

// analysedLog returns a new empty file for the vet tool to log the
// packages it analyses, when the user asked for them, or "".
func (c *command) analysedLog() (string, error) {
	if os.Getenv(envDebug) != "analysed" {
		return "", nil
	}
	f, err := os.CreateTemp("", "goroutinelint-analysed-")
	if err != nil {
		return "", err
	}
	return f.Name(), f.Close()
}

// printAnalysed prints the package IDs the vet tool logged, sorted, one a
// line, after a count.
func (c *command) printAnalysed(logFile string) {
	data, _ := os.ReadFile(logFile)
	printAnalysedIDs(c.stderr, strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' }))
}

// printAnalysedIDs prints the IDs of the packages analysed, rather than
// replayed, sorted, one a line, after a count.
func printAnalysedIDs(w io.Writer, ids []string) {
	slices.Sort(ids)
	fmt.Fprintf(w, "%s: debug: analysed %d packages\n", progName, len(ids))
	for _, id := range ids {
		fmt.Fprintf(w, "%s: debug: analysed %s\n", progName, id)
	}
}

// A vetJSONTree is one object go vet -json prints for a package: package
// ID -> pass name -> its diagnostics, or {"error": ...} if the pass failed.
type vetJSONTree map[string]map[string]json.RawMessage

// decodeVetJSON turns go vet's JSON stream into findings. It prints the
// passes that failed, as the whole-program driver does, and reports
// whether none did.
func (c *command) decodeVetJSON(data []byte) ([]finding, bool) {
	var entries []vetEntry
	ok := true
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var tree vetJSONTree
		if err := dec.Decode(&tree); err == io.EOF {
			break
		} else if err != nil {
			fmt.Fprintf(c.stderr, "%s: internal error: reading go vet's JSON: %v\n", progName, err)
			return nil, false
		}
		for _, id := range sortedKeys(tree) {
			for _, pass := range sortedKeys(tree[id]) {
				raw := tree[id][pass]
				var diags []jsonDiagnostic
				if err := json.Unmarshal(raw, &diags); err != nil {
					var failure struct{ Error string }
					_ = json.Unmarshal(raw, &failure)
					ok = false
					if !strings.HasPrefix(failure.Error, "internal error: ") {
						// A panic was printed by the tool, as guardRuns does.
						fmt.Fprintf(c.stderr, "%s: %s on %s: %s\n", progName, pass, id, failure.Error)
					}
					continue
				}
				for _, d := range diags {
					entries = append(entries, vetEntry{id, pass, d})
				}
			}
		}
	}
	return findingsOf(entries), ok
}

// A vetEntry is one diagnostic of a pass on a package, as go vet -json
// prints it.
type vetEntry struct {
	id, pass string
	diag     jsonDiagnostic
}

// findingsOf turns the diagnostics go vet printed, or the package driver
// cached, into findings over a file set whose files hold the lines of the
// files on disk, sorted as every driver sorts them.
func findingsOf(entries []vetEntry) []finding {
	files := newFileTable()
	for _, e := range entries {
		files.note(e.diag.Posn, e.diag.End)
		for _, r := range e.diag.Related {
			files.note(r.Posn, r.End)
		}
		for _, fix := range e.diag.SuggestedFixes {
			for _, ed := range fix.Edits {
				files.noteOffset(ed.Filename, ed.End)
			}
		}
	}
	var out []finding
	for _, e := range entries {
		d := fromJSON(files, e.diag)
		out = append(out, finding{
			analyzer: e.pass,
			pkgPath:  pkgPathOf(e.id),
			fset:     files.fset,
			posn:     files.fset.Position(d.Pos),
			diag:     d,
		})
	}
	return sortFindings(out)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// pkgPathOf returns the package path of a vet package ID: "p" for
// "p [p.test]", as the whole-program driver keys its JSON.
func pkgPathOf(id string) string {
	path, _, _ := strings.Cut(id, " [")
	return path
}

// fromJSON rebuilds the analysis.Diagnostic behind d over files.
func fromJSON(files *fileTable, d jsonDiagnostic) analysis.Diagnostic {
	out := analysis.Diagnostic{
		Pos:      files.pos(d.Posn),
		End:      files.pos(d.End),
		Category: d.Category,
		Message:  d.Message,
	}
	if out.End == out.Pos {
		out.End = token.NoPos // the JSON writes a missing end as the start
	}
	for _, f := range d.SuggestedFixes {
		fix := analysis.SuggestedFix{Message: f.Message}
		for _, e := range f.Edits {
			fix.TextEdits = append(fix.TextEdits, analysis.TextEdit{
				Pos:     files.offsetPos(e.Filename, e.Start),
				End:     files.offsetPos(e.Filename, e.End),
				NewText: []byte(e.New),
			})
		}
		out.SuggestedFixes = append(out.SuggestedFixes, fix)
	}
	for _, r := range d.Related {
		rel := analysis.RelatedInformation{Pos: files.pos(r.Posn), End: files.pos(r.End), Message: r.Message}
		if rel.End == rel.Pos {
			rel.End = token.NoPos
		}
		out.Related = append(out.Related, rel)
	}
	return out
}

// A fileTable maps the positions go vet printed ("file:line:col", byte
// offsets) back to token.Pos values in a file set of its own, whose files
// hold the lines of the files on disk, so that every renderer finds the
// same lines, columns and offsets as in the whole-program driver's set.
// A file that cannot be read, or whose reported positions do not fit its
// content (a //line directive pointing past it), gets synthetic lines wide
// enough for every position reported in it.
type fileTable struct {
	fset  *token.FileSet
	files map[string]*token.File
	spans map[string]*fileSpan // the extent of what is reported per file
}

// A fileSpan is the largest line, column and offset reported in a file.
type fileSpan struct {
	maxLine, maxCol, maxOffset int
	points                     [][2]int // line, column
}

// newFileTable returns an empty fileTable.
func newFileTable() *fileTable {
	return &fileTable{fset: token.NewFileSet(), files: make(map[string]*token.File), spans: make(map[string]*fileSpan)}
}

// span returns the span of name, new if need be.
func (t *fileTable) span(name string) *fileSpan {
	s, ok := t.spans[name]
	if !ok {
		s = new(fileSpan)
		t.spans[name] = s
	}
	return s
}

// note records positions before any is mapped.
func (t *fileTable) note(posns ...string) {
	for _, p := range posns {
		name, line, col, ok := splitPosn(p)
		if !ok {
			continue // "-": no position
		}
		s := t.span(name)
		s.maxLine, s.maxCol = max(s.maxLine, line), max(s.maxCol, col)
		s.points = append(s.points, [2]int{line, col})
	}
}

// noteOffset records an offset in a file before any is mapped.
func (t *fileTable) noteOffset(name string, offset int) {
	s := t.span(name)
	s.maxOffset = max(s.maxOffset, offset)
}

// posnPattern splits "file:line:col" or "file:line".
var posnPattern = regexp.MustCompile(`^(.*?):(\d+)(?::(\d+))?$`)

// splitPosn splits a position as token.Position.String prints it.
func splitPosn(posn string) (name string, line, col int, ok bool) {
	m := posnPattern.FindStringSubmatch(posn)
	if m == nil {
		return "", 0, 0, false
	}
	line, err := strconv.Atoi(m[2])
	if err != nil || line < 1 {
		return "", 0, 0, false
	}
	if m[3] != "" {
		if col, err = strconv.Atoi(m[3]); err != nil {
			return "", 0, 0, false
		}
	}
	return m[1], line, col, true
}

// file returns the token.File standing for name, made on first use.
func (t *fileTable) file(name string) *token.File {
	if f, ok := t.files[name]; ok {
		return f
	}
	s := t.span(name)
	var f *token.File
	if content, err := os.ReadFile(name); err == nil {
		f = t.fset.AddFile(name, -1, len(content))
		f.SetLinesForContent(content)
		if !fits(f, s) {
			f = nil
		}
	}
	if f == nil {
		f = syntheticFile(t.fset, name, s)
	}
	t.files[name] = f
	return f
}

// fits reports whether every position of s is a position in f.
func fits(f *token.File, s *fileSpan) bool {
	if s.maxOffset > f.Size() || s.maxLine > f.LineCount() {
		return false
	}
	for _, p := range s.points {
		pos := linePos(f, p[0], p[1])
		if got := f.Position(pos); got.Line != p[0] || got.Column != max(p[1], 1) {
			return false
		}
	}
	return true
}

// linePos returns the position of line and column (1-based; 0 is taken
// as 1) in f, which must have the line.
func linePos(f *token.File, line, col int) token.Pos {
	start := f.LineStart(line)
	off := f.Offset(start) + max(col, 1) - 1
	return f.Pos(min(off, f.Size()))
}

// syntheticFile adds to fset a file named name with lines wide enough for
// every position of s.
func syntheticFile(fset *token.FileSet, name string, s *fileSpan) *token.File {
	width := s.maxCol + 1
	lines := max(s.maxLine, 1)
	size := max(lines*width, s.maxOffset)
	f := fset.AddFile(name, -1, size)
	offsets := make([]int, lines)
	for i := range offsets {
		offsets[i] = i * width
	}
	f.SetLines(offsets)
	return f
}

// pos returns the position a "file:line:col" string names, or NoPos.
func (t *fileTable) pos(posn string) token.Pos {
	name, line, col, ok := splitPosn(posn)
	if !ok {
		return token.NoPos
	}
	f := t.file(name)
	if line > f.LineCount() {
		return token.NoPos // not noted: cannot happen
	}
	return linePos(f, line, col)
}

// offsetPos returns the position of a byte offset in the named file, or
// NoPos if the file has no such offset.
func (t *fileTable) offsetPos(name string, offset int) token.Pos {
	f := t.file(name)
	if offset < 0 || offset > f.Size() {
		return token.NoPos
	}
	return f.Pos(offset)
}
