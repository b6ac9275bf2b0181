package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
)

// A finding is one diagnostic of a root package.
type finding struct {
	analyzer string
	pkgPath  string // keys the JSON output, as go vet -json (for "p [p.test]" too)
	fset     *token.FileSet
	posn     token.Position
	diag     analysis.Diagnostic
	profile  *profileStatus // what the -profile says of it, if one was given
}

// collect returns the diagnostics of the root actions sorted by file, line,
// column and message, without duplicates.
func (c *command) collect(graph *checker.Graph) []finding {
	var out []finding
	for _, act := range graph.Roots {
		for _, d := range act.Diagnostics {
			out = append(out, finding{
				analyzer: act.Analyzer.Name,
				pkgPath:  act.Package.PkgPath,
				fset:     act.Package.Fset,
				posn:     act.Package.Fset.Position(d.Pos),
				diag:     d,
			})
		}
	}
	return sortFindings(out)
}

// sortFindings sorts findings and drops duplicates: the same message at the
// same place, reported through two packages that share the file.
func sortFindings(findings []finding) []finding {
	slices.SortStableFunc(findings, compareFindings)
	return slices.CompactFunc(findings, func(a, b finding) bool {
		return a.posn.Filename == b.posn.Filename && a.posn.Offset == b.posn.Offset && a.diag.Message == b.diag.Message
	})
}

// compareFindings orders findings by file, line, column, message and pass.
func compareFindings(a, b finding) int {
	return cmp.Or(
		cmp.Compare(a.posn.Filename, b.posn.Filename),
		cmp.Compare(a.posn.Line, b.posn.Line),
		cmp.Compare(a.posn.Column, b.posn.Column),
		cmp.Compare(a.diag.Message, b.diag.Message),
		cmp.Compare(a.analyzer, b.analyzer),
		cmp.Compare(a.pkgPath, b.pkgPath),
	)
}

// printText prints findings to stderr as go vet does and returns the exit code.
func (c *command) printText(findings []finding) int {
	var b strings.Builder
	for _, f := range findings {
		c.writeFinding(&b, f)
	}
	c.writeRuntimeOnly(&b, c.prof)
	fmt.Fprint(c.stderr, b.String())
	if len(findings) > 0 {
		return exitFindings
	}
	return exitClean
}

// writeFinding writes "file:line:col: message", then each related
// location indented by a tab.
func (c *command) writeFinding(b *strings.Builder, f finding) {
	msg := f.diag.Message
	if note := confirmedText(f.profile); note != "" {
		msg += " " + note
	}
	fmt.Fprintf(b, "%s: %s\n", c.textPos(f.posn), msg)
	for _, r := range f.diag.Related {
		fmt.Fprintf(b, "\t%s: %s\n", c.textPos(f.fset.Position(r.Pos)), r.Message)
	}
}

// textPos formats posn as "file:line:col", the file relative to the
// working directory when it lies under it.
func (c *command) textPos(posn token.Position) string {
	if !posn.IsValid() {
		return "-"
	}
	posn.Filename = c.relFile(posn.Filename)
	return posn.String()
}

// The JSON output has the shape unitchecker and go vet -json print:
// package path -> pass name -> diagnostics. (Theirs may also hold
// {"error": ...} for a pass; a standalone run reports failures on stderr
// and exits 2 instead.)
type (
	jsonTree map[string]map[string][]jsonDiagnostic

	jsonDiagnostic struct {
		Category       string             `json:"category,omitempty"`
		Posn           string             `json:"posn"` // file:line:col
		End            string             `json:"end"`
		Message        string             `json:"message"`
		SuggestedFixes []jsonSuggestedFix `json:"suggested_fixes,omitempty"`
		Related        []jsonRelated      `json:"related,omitempty"`
		Profile        *jsonProfile       `json:"profile,omitempty"` // with -profile
	}

	jsonSuggestedFix struct {
		Message string         `json:"message"`
		Edits   []jsonTextEdit `json:"edits"`
	}

	// jsonTextEdit replaces the bytes [Start, End) of Filename with New.
	jsonTextEdit struct {
		Filename string `json:"filename"`
		Start    int    `json:"start"`
		End      int    `json:"end"`
		New      string `json:"new"`
	}

	jsonRelated struct {
		Posn    string `json:"posn"`
		End     string `json:"end"`
		Message string `json:"message"`
	}
)

// printJSON prints findings as a JSON tree to stdout and returns the exit
// code. File names are absolute, as go vet -json prints them.
func (c *command) printJSON(findings []finding) int {
	tree := make(jsonTree)
	for _, f := range findings {
		byPass, ok := tree[f.pkgPath]
		if !ok {
			byPass = make(map[string][]jsonDiagnostic)
			tree[f.pkgPath] = byPass
		}
		byPass[f.analyzer] = append(byPass[f.analyzer], toJSON(f))
	}
	c.addRuntimeOnlyJSON(tree)
	data, err := json.MarshalIndent(tree, "", "\t")
	if err != nil {
		panic(err) // plain structs of strings and ints always marshal
	}
	fmt.Fprintf(c.stdout, "%s\n", data)
	if len(findings) > 0 {
		return exitFindings
	}
	return exitClean
}

// toJSON converts a finding to its JSON form.
func toJSON(f finding) jsonDiagnostic {
	pos := func(p token.Pos) string { return f.fset.Position(p).String() }
	d := f.diag
	out := jsonDiagnostic{
		Category: d.Category,
		Posn:     pos(d.Pos),
		End:      pos(cmp.Or(d.End, d.Pos)),
		Message:  d.Message,
		Profile:  toJSONProfile(f.profile),
	}
	for _, fix := range d.SuggestedFixes {
		jf := jsonSuggestedFix{Message: fix.Message, Edits: []jsonTextEdit{}}
		for _, e := range fix.TextEdits {
			start, end := f.fset.Position(e.Pos), f.fset.Position(cmp.Or(e.End, e.Pos))
			jf.Edits = append(jf.Edits, jsonTextEdit{Filename: start.Filename, Start: start.Offset, End: end.Offset, New: string(e.NewText)})
		}
		out.SuggestedFixes = append(out.SuggestedFixes, jf)
	}
	for _, r := range d.Related {
		out.Related = append(out.Related, jsonRelated{Posn: pos(r.Pos), End: pos(cmp.Or(r.End, r.Pos)), Message: r.Message})
	}
	return out
}
