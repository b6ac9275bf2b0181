package noexit

import (
	"fmt"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/chanmodel"
	"github.com/goroutinelint/goroutinelint/internal/enginediag"
)

// maxDepth bounds how many calls deep a message explains a callee that
// never returns.
const maxDepth = 3

// reportForever reports a goroutine with no way out at all. ext names the
// goroutine's function when it lies in another package.
func (c *checker) reportForever(fn *ssa.Function, sp chanmodel.Spawn, start chanmodel.Start, st *chanmodel.Stuck, ext string) {
	d := c.diagnostic(fn, sp, start, categoryForever, "never exits")
	var why string
	if ext != "" {
		why = ext + " never returns"
	} else {
		why = c.describe(&d, st, "", 0)
	}
	d.Message += why
	c.reportOnce(d)
}

// reportBlocked reports a goroutine that waits on a channel that is never
// closed, on every path or on an early return of its spawner.
func (c *checker) reportBlocked(fn *ssa.Function, sp chanmodel.Spawn, start chanmodel.Start, b *chanmodel.Blocked) {
	ch := c.syntax.ChanName(b.Chan, "its channel")
	wait := "it waits to receive from " + ch
	if b.Ranges {
		wait = "it ranges over " + ch
	} else if b.Fate == chanmodel.FateOpen {
		wait = "its loop receives from " + ch + " until it is closed"
	}
	// A range or an ok check waits for a close: sends elsewhere do not
	// matter, only whether some path closes the channel.
	byClose := b.Ranges || b.Fate == chanmodel.FateOpen
	partial := b.Partial
	if byClose {
		partial = b.Closed
	}
	var d analysis.Diagnostic
	switch {
	case partial:
		d = c.diagnostic(fn, sp, start, categoryEarly, "may never exit")
		what := "close"
		if !byClose {
			what = "close or send on"
		}
		d.Message += fmt.Sprintf("%s, which %s does not %s when it returns early", wait, fn.Name(), what)
		c.related(&d, b.Return, fmt.Sprintf("returns here without closing %s", ch))
	case !byClose:
		d = c.diagnostic(fn, sp, start, categoryUnclosed, "never exits")
		d.Message += wait + ", which nothing closes or sends on"
	case !b.Ranges:
		d = c.diagnostic(fn, sp, start, categoryUnclosed, "never exits")
		d.Message += wait + ", and nothing closes it"
	default:
		d = c.diagnostic(fn, sp, start, categoryUnclosed, "never exits")
		d.Message += wait + ", which nothing closes"
	}
	if b.Ranges {
		c.related(&d, b.Chan, "ranges here")
	} else {
		c.related(&d, b.Chan, "waits here")
	}
	c.related(&d, b.Made, "channel made here")
	c.reportOnce(d)
}

// diagnostic starts the diagnostic for the goroutine sp: its range, its
// category, and the head of its message up to the colon.
func (c *checker) diagnostic(fn *ssa.Function, sp chanmodel.Spawn, start chanmodel.Start, category, verdict string) analysis.Diagnostic {
	where := "here"
	if chanmodel.InDeclaredInit(fn) {
		where = "in init"
	}
	head := fmt.Sprintf("goroutine started %s %s", where, verdict)
	if per := c.howMany(fn, sp, start); per != "" {
		head += ", leaking " + per
	}
	pos, end := c.syntax.spawnRange(sp)
	return analysis.Diagnostic{Pos: pos, End: end, Category: category, Message: head + ": "}
}

// describe says why st's function never finishes, adding the blocking
// site to d's related information. owner names that function when it is
// not the goroutine's own body.
func (c *checker) describe(d *analysis.Diagnostic, st *chanmodel.Stuck, owner string, depth int) string {
	loop, it := "its loop", "it"
	if owner != "" {
		loop, it = owner+"'s loop", owner
	}
	switch st.Kind {
	case chanmodel.StuckCall:
		name := "a function"
		if st.Callee != nil {
			name = funcName(st.Callee)
		}
		if depth < maxDepth && st.Callee != nil && c.model.Callee(st.Callee) == "" {
			if inner := c.model.Stuck(st.Callee); inner != nil {
				c.related(d, st.Pos, "calls "+name+", which never returns")
				return c.describe(d, inner, name, depth+1)
			}
		}
		if ext := c.model.Callee(st.Callee); ext != "" {
			name = ext
		}
		c.related(d, st.Pos, "calls "+name+", which never returns")
		return fmt.Sprintf("%s calls %s, which never returns", it, name)
	case chanmodel.StuckRecv:
		c.related(d, st.Pos, "blocks here")
		return fmt.Sprintf("%s blocks forever receiving from %s", it, c.syntax.ChanName(st.Pos, "a channel"))
	case chanmodel.StuckSend:
		c.related(d, st.Pos, "blocks here")
		return fmt.Sprintf("%s blocks forever sending on %s", it, c.syntax.ChanName(st.Pos, "a channel"))
	case chanmodel.StuckSelect:
		c.related(d, st.Pos, "blocks here")
		return it + " blocks forever in a select with no case that can proceed"
	}
	c.related(d, c.syntax.loopAt(st.Pos), "loops here with no way out")
	if st.Ranges {
		return fmt.Sprintf("%s ranges over %s, which is never closed", loop, c.syntax.ChanName(st.Pos, "a channel"))
	}
	if names := c.recvNames(st.Recvs); names != "" {
		return fmt.Sprintf("%s receives from %s with no way out", loop, names)
	}
	if st.Sleeps {
		return loop + " sleeps and repeats with no way out"
	}
	return loop + " has no way out"
}

// recvNames renders the channels received from at pos: "a" or "a and b".
func (c *checker) recvNames(pos []token.Pos) string {
	var names []string
	for _, p := range pos {
		n := c.syntax.ChanName(p, "")
		if n != "" && !contains(names, n) {
			names = append(names, n)
		}
	}
	return strings.Join(names, " and ")
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// related appends a related position unless it is unknown, already there,
// or outside the analysed package's files.
func (c *checker) related(d *analysis.Diagnostic, pos token.Pos, msg string) {
	if !pos.IsValid() || pos == d.Pos || c.pass.Fset.File(pos) == nil || !c.syntax.InPackage(pos) {
		return // nothing useful to add
	}
	for _, r := range d.Related {
		if r.Pos == pos {
			return // already there
		}
	}
	d.Related = append(d.Related, analysis.RelatedInformation{Pos: pos, Message: msg})
}

// reportOnce reports d unless a diagnostic was already reported at its
// position: one spawn, one diagnostic. When the engine found the same
// goroutine stuck, d keeps its message and gains the engine's wait as a
// related location.
func (c *checker) reportOnce(d analysis.Diagnostic) {
	if c.reported[d.Pos] {
		return // already reported
	}
	if c.sendGos[d.Pos] {
		return // stuck on a send: unguardedsend reports it at the send
	}
	if w := c.waits[d.Pos]; w != nil {
		c.related(&d, w.Stuck.Op, "blocks here")
	}
	c.reported[d.Pos] = true
	c.report.Report(d)
}

// reportWait reports a goroutine the engine found stuck, unless a rule of
// the channel model reported it already (its message is the more
// specific) or the daemon policy exempts its spawner.
func (c *checker) reportWait(w *enginediag.Finding) {
	if c.reported[w.Pos] {
		return // reported by a chanmodel rule, with the wait related
	}
	if c.sendGos[w.Stuck.Go] {
		return // stuck on a send in some execution: unguardedsend reports it
	}
	fn := w.Spawner
	if !w.Stuck.Go.IsValid() {
		fn = w.Stuck.Entry
	}
	if fn == nil {
		return // a go statement we cannot place: unknown
	}
	start := c.model.Started(fn)
	if start.Kind == chanmodel.StartMain && !c.cfg.Main {
		return // daemons of package main: see the policy table in README
	}
	d := analysis.Diagnostic{Pos: w.Pos, End: w.End, Category: w.Category, Message: w.Message, Related: w.Related}
	if w.Stuck.Go.IsValid() {
		head := "goroutine started here may never exit"
		if chanmodel.InDeclaredInit(fn) {
			head = "goroutine started in init may never exit"
		}
		if per := c.howMany(fn, chanmodel.Spawn{Pos: w.Stuck.Go}, start); per != "" {
			head += ", leaking " + per
		}
		d.Message = head + ": " + w.Message
	}
	c.reported[d.Pos] = true
	c.report.Report(d)
}
