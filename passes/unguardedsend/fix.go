package unguardedsend

import (
	"fmt"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/goroutinelint/goroutinelint/internal/chanmodel"
)

// bufferFix returns a fix giving an unbuffered channel with a single send
// a buffer of one, or nil when another fix would be needed.
func (c *checker) bufferFix(a chanmodel.Abandon, name string) *analysis.SuggestedFix {
	if a.Cap != 0 || a.Sends != 1 {
		return nil // a buffer of one is not enough, or there is one already
	}
	call, ok := c.syntax.makes[a.Make]
	if !ok || len(call.Args) != 1 {
		return nil // not the plain make(chan T) we can edit
	}
	return &analysis.SuggestedFix{
		Message: fmt.Sprintf("Give %s a buffer of 1 so its only send completes even if nobody receives", name),
		TextEdits: []analysis.TextEdit{{
			Pos:     call.Rparen,
			End:     call.Rparen,
			NewText: []byte(", 1"),
		}},
	}
}

// selectFix returns a fix wrapping the send statement at arrow in a select
// with a case on the Done channel of a context in scope, or nil.
func (c *checker) selectFix(arrow token.Pos) *analysis.SuggestedFix {
	send, ok := c.syntax.sends[arrow]
	if !ok {
		return nil // a select send case: already in a select
	}
	done := c.doneExpr(send.Pos())
	if done == "" {
		return nil // no context in scope to select on
	}
	tf := c.pass.Fset.File(send.Pos())
	if tf == nil {
		return nil
	}
	src, err := c.pass.ReadFile(tf.Name())
	if err != nil || tf.Offset(send.End()) > len(src) {
		return nil // cannot read the source: no fix
	}
	text := string(src[tf.Offset(send.Pos()):tf.Offset(send.End())])
	indent := lineIndent(src, tf.Offset(send.Pos()))
	repl := "select {\n" + indent + "case " + text + ":\n" + indent + "case <-" + done + ":\n" + indent + "}"
	return &analysis.SuggestedFix{
		Message: fmt.Sprintf("Wrap the send in a select with <-%s (changes behavior: the value is dropped once the context is done)", done),
		TextEdits: []analysis.TextEdit{{
			Pos:     send.Pos(),
			End:     send.End(),
			NewText: []byte(repl),
		}},
	}
}

// lineIndent returns the whitespace that starts the line holding offset.
func lineIndent(src []byte, offset int) string {
	start := offset
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	end := start
	for end < offset && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	return string(src[start:end])
}

// doneExpr returns the expression for a Done channel of a context in scope
// at pos: "ctx.Done()" for a context.Context variable, or
// "r.Context().Done()" for an *http.Request, preferring the innermost.
func (c *checker) doneExpr(pos token.Pos) string {
	scope := c.pass.Pkg.Scope().Innermost(pos)
	for ; scope != nil && scope != c.pass.Pkg.Scope(); scope = scope.Parent() {
		for _, name := range scope.Names() {
			v, ok := scope.Lookup(name).(*types.Var)
			if !ok || v.Pos() > pos || name == "_" {
				continue // not a variable declared before the send
			}
			switch t := v.Type(); {
			case isNamed(t, "context", "Context"):
				return name + ".Done()"
			case isPointer(t) && isNamed(deref(t), "net/http", "Request"):
				return name + ".Context().Done()"
			}
		}
	}
	return ""
}
