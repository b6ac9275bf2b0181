package clienttimeout

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"time"

	"golang.org/x/tools/go/analysis"
)

// timeoutFix returns a fix that gives the literal a Timeout of the configured
// value: it inserts the field, or replaces the zero at zeroAt, and imports
// "time" when the file lacks it. It returns nil where no edit is mechanical.
func (c *checker) timeoutFix(lit *ast.CompositeLit, zeroAt token.Pos) *analysis.SuggestedFix {
	file := c.syntax.fileOf(lit.Pos())
	if file == nil || c.cfg.FixTimeout <= 0 {
		return nil
	}
	timeName, importEdit, ok := c.timePackageName(file, lit.Pos())
	if !ok {
		return nil // "time" is shadowed here
	}
	value := durationExpr(c.cfg.FixTimeout, timeName)
	edit, ok := timeoutEdit(c.pass.Fset, lit, zeroAt, value)
	if !ok {
		return nil
	}
	edits := []analysis.TextEdit{edit}
	if importEdit != nil {
		edits = append(edits, *importEdit)
	}
	return &analysis.SuggestedFix{
		Message:   fmt.Sprintf("Add Timeout: %s (changes behavior: slower requests fail; suppress streaming or long-poll clients with a reason instead)", value),
		TextEdits: edits,
	}
}

// timeoutEdit inserts Timeout: value into lit, or replaces a zero Timeout.
func timeoutEdit(fset *token.FileSet, lit *ast.CompositeLit, zeroAt token.Pos, value string) (analysis.TextEdit, bool) {
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			return analysis.TextEdit{}, false // positional fields: leave it to the user
		}
		if key, ok := kv.Key.(*ast.Ident); ok && key.Name == "Timeout" {
			if zeroAt == token.NoPos {
				return analysis.TextEdit{}, false
			}
			return analysis.TextEdit{Pos: kv.Value.Pos(), End: kv.Value.End(), NewText: []byte(value)}, true
		}
	}
	text := "Timeout: " + value
	if n := len(lit.Elts); n > 0 {
		last := lit.Elts[n-1]
		if multiLine(fset, last.End(), lit.Rbrace) {
			// A field of its own before the closing brace; the formatter
			// indents and aligns it.
			return analysis.TextEdit{Pos: lit.Rbrace, End: lit.Rbrace, NewText: []byte(text + ",\n")}, true
		}
		return analysis.TextEdit{Pos: last.End(), End: last.End(), NewText: []byte(", " + text)}, true
	}
	return analysis.TextEdit{Pos: lit.Rbrace, End: lit.Rbrace, NewText: []byte(text)}, true
}

// multiLine reports whether end and rbrace lie on different lines.
func multiLine(fset *token.FileSet, end, rbrace token.Pos) bool {
	return fset.Position(end).Line != fset.Position(rbrace).Line
}

// timePackageName returns how code at pos names package time, and an edit
// that imports it when the file does not. ok is false when the name is
// taken by something else at pos.
func (c *checker) timePackageName(file *ast.File, pos token.Pos) (name string, edit *analysis.TextEdit, ok bool) {
	for _, spec := range file.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil || path != "time" {
			continue
		}
		switch {
		case spec.Name == nil:
			name = "time"
		case spec.Name.Name == "_":
			continue
		default:
			name = spec.Name.Name
		}
		if name == "." {
			return "", nil, true
		}
		return name, nil, true
	}
	scope := c.pass.TypesInfo.Scopes[file]
	if scope != nil {
		if inner := scope.Innermost(pos); inner != nil {
			if _, obj := inner.LookupParent("time", pos); obj != nil {
				return "", nil, false // a local "time" would capture the new import's name
			}
		}
	}
	return "time", importTimeEdit(file), true
}

// importTimeEdit adds "time" to the file's first import declaration, or a
// new declaration after the package clause.
func importTimeEdit(file *ast.File) *analysis.TextEdit {
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.IMPORT {
			continue
		}
		if gen.Lparen.IsValid() {
			return &analysis.TextEdit{Pos: gen.Lparen + 1, End: gen.Lparen + 1, NewText: []byte("\n\t\"time\"")}
		}
		// A single import becomes a group, so that the result reads as
		// goimports would write it whatever formatter the driver runs.
		spec, ok := gen.Specs[0].(*ast.ImportSpec)
		if !ok || len(gen.Specs) != 1 || gen.Doc != nil || spec.Comment != nil {
			return &analysis.TextEdit{Pos: gen.Pos(), End: gen.Pos(), NewText: []byte("import \"time\"\n")}
		}
		text := spec.Path.Value
		if spec.Name != nil {
			text = spec.Name.Name + " " + text
		}
		return &analysis.TextEdit{Pos: gen.Pos(), End: gen.End(), NewText: []byte("import (\n\t" + text + "\n\t\"time\"\n)")}
	}
	end := file.Name.End()
	return &analysis.TextEdit{Pos: end, End: end, NewText: []byte("\n\nimport \"time\"")}
}

// durationExpr renders d as Go source in the largest whole unit.
func durationExpr(d time.Duration, timeName string) string {
	qual := timeName + "."
	if timeName == "" {
		qual = ""
	}
	units := []struct {
		d    time.Duration
		name string
	}{{time.Hour, "Hour"}, {time.Minute, "Minute"}, {time.Second, "Second"}, {time.Millisecond, "Millisecond"}, {time.Microsecond, "Microsecond"}}
	for _, u := range units {
		if d%u.d == 0 {
			if n := d / u.d; n != 1 {
				return fmt.Sprintf("%d * %s%s", n, qual, u.name)
			}
			return qual + u.name
		}
	}
	return fmt.Sprintf("%sDuration(%d)", qual, int64(d))
}
