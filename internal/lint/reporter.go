package lint

import (
	"fmt"
	"go/ast"
	"go/token"

	"golang.org/x/tools/go/analysis"
)

// A Reporter reports one pass's diagnostics. It drops those in generated
// files (unless asked not to) and those silenced by a
// //goroutinelint:ignore directive, and Finish reports directives that are
// malformed or silenced nothing.
type Reporter struct {
	pass             *analysis.Pass
	name             string
	includeGenerated bool
	directives       []*directive
	generated        map[string]bool // file name -> generated
}

// NewReporter returns a Reporter for the pass called name (its Analyzer.Name).
func NewReporter(pass *analysis.Pass, name string, includeGenerated bool) *Reporter {
	r := &Reporter{
		pass:             pass,
		name:             name,
		includeGenerated: includeGenerated,
		directives:       parseDirectives(pass.Fset, pass.Files),
		generated:        make(map[string]bool),
	}
	for _, f := range pass.Files {
		r.generated[pass.Fset.PositionFor(f.Pos(), false).Filename] = ast.IsGenerated(f)
	}
	return r
}

// IsGenerated reports whether pos lies in a generated file of the package.
func (r *Reporter) IsGenerated(pos token.Pos) bool {
	return r.generated[r.pass.Fset.PositionFor(pos, false).Filename]
}

// Report reports d unless it lies in a skipped generated file or a valid
// directive naming this pass sits on its line or the line above.
func (r *Reporter) Report(d analysis.Diagnostic) {
	if !d.Pos.IsValid() {
		return // synthetic code has no place to show the user
	}
	if !r.includeGenerated && r.IsGenerated(d.Pos) {
		return // generated code is fixed in its generator, not here
	}
	p := r.pass.Fset.PositionFor(d.Pos, false)
	silenced := false
	for _, dir := range r.directives {
		if dir.file == p.Filename && (dir.line == p.Line || dir.line == p.Line-1) &&
			dir.names(r.name) && dir.problem() == "" {
			dir.used = true
			silenced = true
		}
	}
	if !silenced {
		r.pass.Report(d)
	}
}

// Reportf reports a diagnostic of the given category at pos.
func (r *Reporter) Reportf(pos token.Pos, category, format string, args ...any) {
	r.Report(analysis.Diagnostic{Pos: pos, Category: category, Message: fmt.Sprintf(format, args...)})
}

// Finish reports the directives this pass owns that are malformed, and the
// well-formed directives naming this pass that silenced nothing. Call it
// once, after the pass has reported everything.
func (r *Reporter) Finish() {
	for _, d := range r.directives {
		if !r.includeGenerated && r.IsGenerated(d.pos) {
			continue // not ours to judge: its findings were never reported
		}
		if msg := d.problem(); msg != "" {
			if d.owner() == r.name {
				reportDirective(r.pass, d, msg)
			}
			continue
		}
		if d.names(r.name) && !d.used {
			reportDirective(r.pass, d, "goroutinelint:ignore directive for "+r.name+" silences nothing: remove it")
		}
	}
}
