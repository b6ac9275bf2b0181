package unguardedsend

import (
	"fmt"
	"go/token"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/chanmodel"
	"github.com/goroutinelint/goroutinelint/internal/enginediag"
)

// checkAbandons reports the sends on channels fn makes and can abandon.
func (c *checker) checkAbandons(fn *ssa.Function) {
	for _, a := range c.model.Abandons(fn) {
		name := c.syntax.makeName(a.Make)
		for _, s := range a.Blocking {
			var msg string
			if s.Callee == "" {
				msg = fmt.Sprintf("send on %s may block forever: %s", c.syntax.chanName(s.Pos, name), a.Reason)
			} else {
				msg = fmt.Sprintf("%s may block forever sending on %s: %s", s.Callee, name, a.Reason)
			}
			d := analysis.Diagnostic{Pos: s.Pos, Category: categoryAbandoned, Message: msg}
			c.related(&d, s.Go, s.Pos, "goroutine started here")
			c.related(&d, a.Return, s.Pos, "returns here without receiving")
			if fix := c.bufferFix(a, name); fix != nil && len(a.Senders) == 1 {
				d.SuggestedFixes = []analysis.SuggestedFix{*fix}
			} else if fix := c.fanOutFix(fn, a, name); fix != nil {
				d.SuggestedFixes = []analysis.SuggestedFix{*fix}
			}
			c.reportSpawned(d, s.Go)
		}
	}
}

// checkHandlerSends reports a handler's own blocking sends to shared
// channels (in it or in functions it calls).
func (c *checker) checkHandlerSends(sites []chanmodel.Site) {
	for _, s := range sites {
		var msg string
		key := chanmodel.DisplayKey(s.Chan)
		if s.Callee == "" {
			msg = fmt.Sprintf("send on %s may block the handler forever when its readers fall behind: select on the request context's Done too",
				c.syntax.chanName(s.Pos, key))
		} else {
			msg = fmt.Sprintf("%s may block the handler forever sending on %s when its readers fall behind", s.Callee, key)
		}
		d := analysis.Diagnostic{Pos: s.Pos, Category: categoryHandler, Message: msg}
		if s.Callee == "" {
			if fix := c.selectFix(s.Pos); fix != nil {
				d.SuggestedFixes = []analysis.SuggestedFix{*fix}
			}
		}
		c.reportOnce(d)
	}
}

// checkSpawnedSends reports blocking sends to shared channels by
// goroutines started in a handler or any function; per says what each
// stranded goroutine is one per ("" for once per process).
func (c *checker) checkSpawnedSends(sites []chanmodel.Site, per string) {
	stranding, count := "stranding one goroutine", ""
	if per != "" {
		stranding += " per " + per
		count = ", one per " + per
	}
	for _, s := range sites {
		key := chanmodel.DisplayKey(s.Chan)
		var msg string
		switch {
		case s.Callee == "":
			msg = fmt.Sprintf("send on %s may block forever when its readers fall behind, %s",
				c.syntax.chanName(s.Pos, key), stranding)
		case s.Go.IsValid():
			msg = fmt.Sprintf("%s may block forever sending on %s when its readers fall behind, %s",
				s.Callee, key, stranding)
		default:
			msg = fmt.Sprintf("%s starts a goroutine that may block forever sending on %s when its readers fall behind%s",
				s.Callee, key, count)
		}
		d := analysis.Diagnostic{Pos: s.Pos, Category: categoryShared, Message: msg}
		c.related(&d, s.Go, s.Pos, "goroutine started here")
		if s.Callee == "" {
			if fix := c.selectFix(s.Pos); fix != nil {
				d.SuggestedFixes = []analysis.SuggestedFix{*fix}
			}
		}
		c.reportSpawned(d, s.Go)
	}
}

// related appends a related position unless it is unknown or the
// diagnostic's own position.
func (c *checker) related(d *analysis.Diagnostic, pos, self token.Pos, msg string) {
	if !pos.IsValid() || pos == self {
		return // nothing to add
	}
	d.Related = append(d.Related, analysis.RelatedInformation{Pos: pos, Message: msg})
}

// reportSpawned reports d, on a send of the goroutine started at goPos,
// unless the engine found that goroutine stuck before it ever sends:
// noexit reports it there, one finding per goroutine (fixture
// unguardedsend/blocked, lockedBeforeSend).
func (c *checker) reportSpawned(d analysis.Diagnostic, goPos token.Pos) {
	if goPos.IsValid() && c.waitGos[goPos] {
		return // noexit reports the goroutine at its go statement
	}
	c.reportOnce(d)
}

// reportOnce reports d unless a diagnostic was already reported at its
// position: one send, one diagnostic.
func (c *checker) reportOnce(d analysis.Diagnostic) {
	if c.reported[d.Pos] {
		return // already reported, by another category or spawner
	}
	c.reported[d.Pos] = true
	c.report.Report(d)
}

// reportStranded reports a send the engine found stuck, unless a rule of
// the channel model reported it already (its message is the more
// specific) or it runs in a daemon of package main.
func (c *checker) reportStranded(f enginediag.Finding) {
	if c.reported[f.Pos] {
		return // reported by a chanmodel rule
	}
	fn := f.Spawner
	if !f.Stuck.Go.IsValid() {
		fn = f.Stuck.Entry
	}
	if fn == nil {
		return // a goroutine we cannot place: unknown
	}
	if c.model.Started(fn).Kind == chanmodel.StartMain {
		return // daemons of package main: see the policy table in README
	}
	c.reportOnce(analysis.Diagnostic{Pos: f.Pos, End: f.End, Category: f.Category, Message: f.Message, Related: f.Related})
}
