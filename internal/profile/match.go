package profile

import (
	"cmp"
	"fmt"
	"go/token"
	"slices"
	"strings"
)

// A Finding is what Match needs of a diagnostic.
type Finding struct {
	Check string         // the check that reported it: "unguardedsend", "noexit", "clienttimeout"
	Posn  token.Position // where, with its file's absolute name and the offset
}

// A Confirmation tells how a profile confirms a finding.
type Confirmation struct {
	Goroutines int  // how many goroutines it shows there
	Leaked     bool // they are leaked goroutines, from a leak profile
	// LongestWait is the longest wait among them in minutes, 0 when
	// shorter than one or unknown.
	LongestWait int
	// Started tells that the finding is a go statement and the goroutines
	// are the ones it started; otherwise they are blocked at the finding.
	Started bool
}

// A Group is a set of goroutines of a profile blocked at one line of the
// analysed source, started by one go statement where the format says.
type Group struct {
	Blocked Position // the innermost frame in the analysed source
	Func    string   // its function
	// Created is the go statement that started them, in the analysed
	// source or not; nil where the format does not record it.
	Created    *Frame
	CreatedPos *Position // Created in the analysed source, if it is there
	States     []string  // their wait reasons, sorted; none where the format has none
	Goroutines int
	// Stuck counts those that are leaked or have waited a minute or more.
	Stuck       int
	LongestWait int  // minutes
	Leaked      bool // every goroutine of the group is leaked

	// members are the group's distinct stacks: a dump of thousands of
	// goroutines in one place is matched once per stack, not per goroutine.
	members []*member
	byStack map[string]*member
}

// A member is one stack of a group's goroutines, mapped.
type member struct {
	count  int
	frames []mappedFrame // innermost first, runtime.goexit left out
}

// stackKey identifies a mapped stack.
func stackKey(frames []mappedFrame) string {
	var b strings.Builder
	for _, f := range frames {
		fmt.Fprintf(&b, "%s\x00%s\x00%d\n", f.Func, f.File, f.Line)
	}
	return b.String()
}

// A mappedFrame is a frame and where it runs in the analysed source.
type mappedFrame struct {
	Frame
	pos *Position
}

// A Result is what a profile says about a run's findings.
type Result struct {
	// Confirmed holds, by index into the findings, each finding the
	// profile confirms; the others are not seen.
	Confirmed map[int]Confirmation
	// RuntimeOnly lists the groups blocked in the analysed source that no
	// finding explains, by position, with the goroutines that are leaked
	// or have waited a minute or more (Goroutines then counts only those):
	// from a leak profile every group, from a plain debug=2 dump those with
	// such goroutines, from the other plain forms none, since they tell no
	// wait from a leak.
	RuntimeOnly []Group
	Total       int // goroutines in the profile (leaked ones in a leak profile)
	InCode      int // of them, those with a frame in the analysed source
}

// Match joins a profile with the findings of the analysis of code.
func Match(p *Profile, code *Code, findings []Finding) *Result {
	res := &Result{Confirmed: make(map[int]Confirmation)}
	groups := groupGoroutines(p, code, res)
	explained := make([]bool, len(groups))
	for i, f := range findings {
		var conf Confirmation
		for j, grp := range groups {
			n, started := code.explains(f, grp, p.Format)
			if n == 0 {
				continue
			}
			explained[j] = true
			conf.Goroutines += n
			conf.Leaked = grp.Leaked && (conf.Goroutines == n || conf.Leaked)
			conf.LongestWait = max(conf.LongestWait, grp.LongestWait)
			conf.Started = started
		}
		if conf.Goroutines > 0 {
			res.Confirmed[i] = conf
		}
	}
	for j, grp := range groups {
		switch {
		case explained[j] || !grp.blocked() || grp.Stuck == 0:
			continue // a finding explains it, it is not waiting, or not for long
		default:
			grp.Goroutines = grp.Stuck
			res.RuntimeOnly = append(res.RuntimeOnly, *grp)
		}
	}
	return res
}

// groupGoroutines groups the goroutines of p that run analysed code by
// their innermost analysed frame and the go statement that started them,
// counting them all in res. In a leak profile only leaked goroutines count.
func groupGoroutines(p *Profile, code *Code, res *Result) []*Group {
	type key struct {
		blocked Position
		created Frame
	}
	index := make(map[key]*Group)
	var groups []*Group
	for i := range p.Goroutines {
		g := &p.Goroutines[i]
		if p.Leak && !g.Leaked {
			continue // alive, in a leak profile
		}
		res.Total += g.Count
		m := &member{count: g.Count}
		inner := -1
		for _, fr := range g.Stack {
			if fr.Func == "runtime.goexit" {
				continue // every goroutine's bottom frame
			}
			mf := mappedFrame{Frame: fr}
			if pos, ok := code.Map(fr); ok {
				mf.pos = &pos
				if inner < 0 {
					inner = len(m.frames)
				}
			}
			m.frames = append(m.frames, mf)
		}
		if inner < 0 {
			continue // no frame in the analysed source
		}
		res.InCode += g.Count
		k := key{blocked: *m.frames[inner].pos}
		if g.Created != nil {
			k.created = *g.Created
		}
		grp := index[k]
		if grp == nil {
			grp = &Group{Blocked: k.blocked, Func: m.frames[inner].Func, Created: g.Created, Leaked: true, byStack: make(map[string]*member)}
			if g.Created != nil {
				if pos, ok := code.Map(*g.Created); ok {
					grp.CreatedPos = &pos
				}
			}
			index[k] = grp
			groups = append(groups, grp)
		}
		if same, ok := grp.byStack[stackKey(m.frames)]; ok {
			same.count += m.count
		} else {
			grp.byStack[stackKey(m.frames)] = m
			grp.members = append(grp.members, m)
		}
		grp.Goroutines += g.Count
		if g.Leaked || g.WaitMinutes >= 1 {
			grp.Stuck += g.Count
		}
		grp.Leaked = grp.Leaked && g.Leaked
		grp.LongestWait = max(grp.LongestWait, g.WaitMinutes)
		if g.State != "" && !slices.Contains(grp.States, g.State) {
			grp.States = append(grp.States, g.State)
			slices.Sort(grp.States)
		}
	}
	slices.SortFunc(groups, func(a, b *Group) int {
		return cmp.Or(
			cmp.Compare(a.Blocked.File, b.Blocked.File),
			cmp.Compare(a.Blocked.Line, b.Blocked.Line),
			cmp.Compare(createdString(a.Created), createdString(b.Created)),
		)
	})
	return groups
}

// createdString orders groups by creation site.
func createdString(f *Frame) string {
	if f == nil {
		return ""
	}
	return f.String()
}

// notBlocked lists the states of goroutines that are not waiting.
var notBlocked = []string{"running", "runnable", "preempted", "copystack", "idle", "dead"}

// blocked reports whether the group's goroutines wait: some state is a
// wait reason, or, where the format has no states, always (a profile is
// taken when almost every goroutine waits; the one serving it runs code of
// the profiler).
func (g *Group) blocked() bool {
	if len(g.States) == 0 {
		return true
	}
	for _, s := range g.States {
		if !slices.Contains(notBlocked, s) {
			return true
		}
	}
	return false
}

// explains returns how many goroutines of grp finding f explains, and
// whether as the go statement that started them.
//
//   - a send (unguardedsend) explains the goroutines blocked on its line,
//     or on another send to the same channel variable in the same function
//     (one finding stands for all the sends of one defect);
//   - a go statement (noexit) explains the goroutines it started: those
//     whose creation site is its line, or where the format records no
//     creation site, those whose bottom frame runs the function it starts;
//   - a client without a timeout (clienttimeout) explains the goroutines
//     whose innermost analysed frame calls into net/http through that
//     client: the call names the reported expression, or its receiver
//     comes from it.
func (c *Code) explains(f Finding, grp *Group, format Format) (int, bool) {
	if !f.Posn.IsValid() {
		return 0, false
	}
	at := Position{File: f.Posn.Filename, Line: f.Posn.Line}
	switch f.Check {
	case "unguardedsend":
		if grp.blocked() && (grp.Blocked == at || c.sameChannelSend(f.Posn, grp.Blocked)) {
			return grp.Goroutines, false
		}
	case "noexit":
		if grp.CreatedPos != nil {
			if *grp.CreatedPos == at {
				return grp.Goroutines, true
			}
			return 0, false
		}
		if format == Debug2 {
			return 0, false // started elsewhere: by a go statement outside the analysed source
		}
		n := 0
		for _, m := range grp.members {
			if c.startedBy(f.Posn, m.frames) {
				n += m.count
			}
		}
		return n, n > 0
	case "clienttimeout":
		if !grp.blocked() {
			return 0, false
		}
		n := 0
		for _, m := range grp.members {
			if c.callsThroughClient(f.Posn, m.frames) {
				n += m.count
			}
		}
		return n, false
	}
	return 0, false
}

// innermost returns the index of the innermost analysed frame, or -1.
func innermost(frames []mappedFrame) int {
	return slices.IndexFunc(frames, func(f mappedFrame) bool { return f.pos != nil })
}

// isNetHTTP reports whether fn is a function of net/http, as the runtime
// names it.
func isNetHTTP(fn string) bool {
	return funcPackage(fn) == "net/http"
}
