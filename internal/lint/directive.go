package lint

import (
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// DirectivePrefix starts a suppression comment:
//
//	//goroutinelint:ignore clienttimeout,unguardedsend the upstream streams forever
const DirectivePrefix = "//goroutinelint:ignore"

// KnownPasses lists the pass names a directive may name, sorted. A directive
// whose names are all unknown is reported by the first of them, so that it
// is reported once whichever passes are enabled alongside it.
var KnownPasses = []string{"clienttimeout", "noexit", "unguardedsend"}

// Category of the diagnostics about directives themselves.
const CategoryDirective = "directive"

// A directive is one parsed //goroutinelint:ignore comment.
type directive struct {
	pos    token.Pos
	end    token.Pos
	file   string
	line   int
	passes []string
	reason string
	used   bool
}

// owner returns the pass that reports problems with the directive itself:
// the first known pass it names, or the first known pass overall.
func (d *directive) owner() string {
	for _, p := range d.passes {
		if slices.Contains(KnownPasses, p) {
			return p
		}
	}
	return KnownPasses[0]
}

// names reports whether the directive silences the named pass.
func (d *directive) names(pass string) bool {
	return slices.Contains(d.passes, pass)
}

// parseDirectives returns the directives in files, in source order.
func parseDirectives(fset *token.FileSet, files []*ast.File) []*directive {
	var out []*directive
	for _, f := range files {
		for _, group := range f.Comments {
			for _, c := range group.List {
				if d := parseDirective(fset, c); d != nil {
					out = append(out, d)
				}
			}
		}
	}
	return out
}

// parseDirective parses one comment, or returns nil if it is not a directive.
func parseDirective(fset *token.FileSet, c *ast.Comment) *directive {
	rest, ok := strings.CutPrefix(c.Text, DirectivePrefix)
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return nil // an ordinary comment, or another word such as ignorefoo
	}
	// A further "//" starts a remark that is not part of the directive.
	rest, _, _ = strings.Cut(rest, "//")
	// Raw positions: a //line directive must not move a suppression to
	// another file than the finding it sits next to.
	p := fset.PositionFor(c.Pos(), false)
	d := &directive{pos: c.Pos(), end: c.End(), file: p.Filename, line: p.Line}
	fields := strings.Fields(rest)
	if len(fields) > 0 {
		for _, name := range strings.Split(fields[0], ",") {
			if name != "" {
				d.passes = append(d.passes, name)
			}
		}
		d.reason = strings.Join(fields[1:], " ")
	}
	return d
}

// problem describes what is wrong with the directive itself, or "".
func (d *directive) problem() string {
	if len(d.passes) == 0 {
		return "goroutinelint:ignore directive names no check: write //goroutinelint:ignore <check>[,<check>] <reason>"
	}
	for _, p := range d.passes {
		if !slices.Contains(KnownPasses, p) {
			return "goroutinelint:ignore directive names unknown check " + p + " (known: " + strings.Join(KnownPasses, ", ") + ")"
		}
	}
	if d.reason == "" {
		return "goroutinelint:ignore directive has no reason: say why the finding is safe to ignore"
	}
	return ""
}

// reportDirective reports a problem with a directive at its comment.
func reportDirective(pass *analysis.Pass, d *directive, msg string) {
	pass.Report(analysis.Diagnostic{Pos: d.pos, End: d.end, Category: CategoryDirective, Message: msg})
}
