package chanmodel

import (
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// A Summary says what one function does with channels: with each of its
// channel parameters and free variables, with shared channels, and whether
// it can return at all. A nil *Summary means unknown.
type Summary struct {
	// Slots holds one entry per parameter (receiver first) and then one per
	// free variable; entries for non-channel slots are zero.
	Slots []SlotUse
	// Sends lists the shared channels (package-level variables and struct
	// fields) the function may block sending to, without a select escape.
	Sends []Site
	// Spawns lists the shared channels that goroutines the function starts
	// (directly or in callees) may block sending to, but for those it
	// receives from itself (see Recvs): a goroutine that gives back a token
	// the function took, or answers it on a channel it reads.
	Spawns []Site
	// Recvs lists the keys of shared channels the function, its closures or
	// its callees receive from, sorted. A send to one of them in the same
	// function is a semaphore or token idiom (acquire, then release), not a
	// hand-off to a reader that may fall behind.
	Recvs []string
	// NeverReturns reports that no path from entry reaches a return or a
	// panic: every path loops, blocks, or ends the process or the goroutine
	// (os.Exit, log.Fatal, runtime.Goexit, or a callee that does).
	NeverReturns bool
	// Forever reports that the function never returns and has no other way
	// out either: it loops or blocks forever.
	Forever bool
	// Exits reports that some path ends the process or the goroutine other
	// than by returning: a call of os.Exit, log.Fatal, runtime.Goexit or a
	// function that exits, or a panic on every path.
	Exits bool
}

// A SlotUse says what a function does with one channel parameter or free
// variable. Counts are the most along one path; Many means unbounded.
type SlotUse struct {
	Sends      int  // blocking sends with no select escape
	SpawnSends int  // the same, made by goroutines the function starts
	Recv       bool // may receive from it, itself or in callees and goroutines
	// RecvMin is, when Recv is set, the fewest receives along a path to a
	// return; Many when every path receives all there is (see recvMin).
	RecvMin int
	Close   bool // may close it
	Escapes bool // stored, returned or passed where the model cannot follow
	// Sites are the first few sends behind Sends and SpawnSends.
	Sites []Site
}

// zero reports whether u records no use at all.
func (u *SlotUse) zero() bool {
	return u.Sends == 0 && u.SpawnSends == 0 && !u.Recv && !u.Close && !u.Escapes
}

// A Site locates a send for a report.
type Site struct {
	// Chan is the shared channel's key ("pkgpath.name" for a package-level
	// variable, "pkgpath.Type.field" for a struct field), or "" for a slot.
	Chan string
	// ViaRecv is set when the channel is a field of a struct reached from
	// the function's receiver: shared only if its callers' receiver is.
	ViaRecv bool
	// Pos is the send in the analysed package, or, when Callee is set, the
	// call in the analysed package of the function in another package that
	// (in the end) sends.
	Pos    token.Pos
	Callee string // "pkg.Func" or "(*pkg.T).Method" in another package
	// Go is where a goroutine making the send is started in the analysed
	// package, for Spawns and SpawnSends; token.NoPos if unknown.
	Go token.Pos
	// GoCallee names the function in another package that starts the
	// goroutine, when Go is the call of that function.
	GoCallee string
	// Before is, for a send on a slot, the most blocking sends on the same
	// channel that can precede it on one path of the goroutine that makes
	// it (Many inside a loop that sends; the fewest over the calls that
	// reach it when several do): the send blocks first when Before equals
	// the buffer's capacity. Two sends on different paths both have
	// Before 0 (fixture unguardedsend/deferred).
	Before int
}

// maxSites bounds the sites kept per list, so summaries stay small.
const maxSites = 4

// addSite appends s to list unless an equal site is there or the list is full.
func addSite(list []Site, s Site) []Site {
	if i := slices.IndexFunc(list, func(t Site) bool { return t.sameSend(s) }); i >= 0 {
		// The same send reached another way: keep the fewest sends before
		// it, which settles when a recursive function reaches itself.
		if s.Before < list[i].Before {
			list[i].Before = s.Before
		}
		return list
	}
	if len(list) >= maxSites {
		return list
	}
	return append(list, s)
}

// sameSend reports whether s and t are one send, whatever their Before:
// a recursive function sees its own sends again after more sends.
func (s Site) sameSend(t Site) bool {
	s.Before, t.Before = 0, 0
	return s == t
}

// equal reports whether two summaries are the same.
func (s *Summary) equal(t *Summary) bool {
	if s == nil || t == nil {
		return s == t
	}
	if s.NeverReturns != t.NeverReturns || s.Forever != t.Forever || s.Exits != t.Exits || len(s.Slots) != len(t.Slots) ||
		!slices.Equal(s.Sends, t.Sends) || !slices.Equal(s.Spawns, t.Spawns) || !slices.Equal(s.Recvs, t.Recvs) {
		return false
	}
	for i := range s.Slots {
		a, b := s.Slots[i], t.Slots[i]
		if a.Sends != b.Sends || a.SpawnSends != b.SpawnSends || a.Recv != b.Recv || a.RecvMin != b.RecvMin ||
			a.Close != b.Close || a.Escapes != b.Escapes || !slices.Equal(a.Sites, b.Sites) {
			return false
		}
	}
	return true
}

// empty reports whether the summary says nothing a caller could use.
func (s *Summary) empty() bool {
	if len(s.Sends) > 0 || len(s.Spawns) > 0 || len(s.Recvs) > 0 || s.NeverReturns || s.Exits {
		return false
	}
	for i := range s.Slots {
		if !s.Slots[i].zero() {
			return false
		}
	}
	return true
}

// isChan reports whether t is a channel type.
func isChan(t types.Type) bool {
	_, ok := t.Underlying().(*types.Chan)
	return ok
}

// isChanCell reports whether t is a pointer to a channel: the form of a
// captured channel variable.
func isChanCell(t types.Type) bool {
	p, ok := t.Underlying().(*types.Pointer)
	return ok && isChan(p.Elem())
}

// funcName names fn for messages, relative to no package: "lib.Send" or
// "(*lib.T).Send".
func funcName(fn *types.Func) string {
	// FullName spells the full package path; the name reads better.
	return shortenPath(fn.FullName(), fn.Pkg())
}

// shortenPath replaces pkg's path in s by its name.
func shortenPath(s string, pkg *types.Package) string {
	if pkg == nil {
		return s
	}
	return strings.ReplaceAll(s, pkg.Path()+".", pkg.Name()+".")
}

// DisplayKey renders a shared channel key for a message: the last element
// of the package path and the rest, as in "lib.logCh" or "lib.Logger.ch".
func DisplayKey(key string) string {
	slash := strings.LastIndex(key, "/")
	return key[slash+1:]
}

// ssaFuncName is fn's name for panic reports.
func ssaFuncName(fn *ssa.Function) string { return fn.String() }
