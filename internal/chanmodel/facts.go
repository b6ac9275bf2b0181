package chanmodel

import (
	"fmt"
	"go/types"
	"slices"
	"strings"
)

// chanSummary is the exported form of a function's Summary: what a caller
// in another package needs, with no positions.
type chanSummary struct {
	// Params holds the channel parameters, receiver first, by index; a
	// channel parameter the function does not use has a zero entry.
	Params []ParamUse
	// Sends and Spawns are the shared channels of Summary.Sends and
	// Summary.Spawns, sorted; Recvs are sorted keys (see Site.Chan).
	Sends  []SharedUse
	Spawns []SharedUse
	Recvs  []string
	// NeverReturns, Forever and Exits are those of Summary.
	NeverReturns bool
	Forever      bool
	Exits        bool
}

// A SharedUse is the exported form of a Site: a shared channel key, and
// whether it is a field of the function's receiver.
type SharedUse struct {
	Key     string
	ViaRecv bool
}

// String renders u for fact expectations: "(recv)" marks ViaRecv.
func (u SharedUse) String() string {
	if u.ViaRecv {
		return "(recv)" + u.Key
	}
	return u.Key
}

// A ParamUse is the exported form of a parameter's SlotUse.
type ParamUse struct {
	Index      int
	Sends      int
	SpawnSends int
	Recv       bool
	RecvMin    int // SlotUse.RecvMin
	Close      bool
	Escapes    bool
}

func (*chanSummary) AFact() {}

func (f *chanSummary) String() string {
	var parts []string
	if len(f.Sends) > 0 {
		parts = append(parts, "sends "+joinUses(f.Sends))
	}
	if len(f.Spawns) > 0 {
		parts = append(parts, "spawns "+joinUses(f.Spawns))
	}
	if len(f.Recvs) > 0 {
		parts = append(parts, "recvs "+strings.Join(f.Recvs, ","))
	}
	for _, p := range f.Params {
		var what []string
		if p.Sends > 0 {
			what = append(what, "send "+count(p.Sends))
		}
		if p.SpawnSends > 0 {
			what = append(what, "spawn-send "+count(p.SpawnSends))
		}
		if p.Recv {
			what = append(what, "recv")
			switch {
			case p.RecvMin >= Many:
				what = append(what, "all")
			case p.RecvMin > 0:
				what = append(what, fmt.Sprintf("min %d", p.RecvMin))
			}
		}
		if p.Close {
			what = append(what, "close")
		}
		if p.Escapes {
			what = append(what, "escapes")
		}
		if len(what) == 0 {
			what = append(what, "unused")
		}
		parts = append(parts, fmt.Sprintf("p%d %s", p.Index, strings.Join(what, " ")))
	}
	if f.NeverReturns {
		parts = append(parts, "never returns")
	}
	if f.Forever {
		parts = append(parts, "forever")
	}
	if f.Exits {
		parts = append(parts, "exits")
	}
	return "chanSummary(" + strings.Join(parts, "; ") + ")"
}

// joinUses renders a list of shared uses.
func joinUses(us []SharedUse) string {
	var out []string
	for _, u := range us {
		out = append(out, u.String())
	}
	return strings.Join(out, ",")
}

// count renders a send count.
func count(n int) string {
	if n >= Many {
		return "many"
	}
	return fmt.Sprint(n)
}

// fact converts the summary of a function with params parameters (receiver
// included) to its exported form.
func (s *Summary) fact(params int, chanParam func(int) bool) *chanSummary {
	f := &chanSummary{NeverReturns: s.NeverReturns, Forever: s.Forever, Exits: s.Exits}
	for i := 0; i < params && i < len(s.Slots); i++ {
		if !chanParam(i) {
			continue // only channel parameters are tracked
		}
		u := s.Slots[i]
		f.Params = append(f.Params, ParamUse{
			Index: i, Sends: u.Sends, SpawnSends: u.SpawnSends,
			Recv: u.Recv, RecvMin: u.RecvMin, Close: u.Close, Escapes: u.Escapes,
		})
	}
	f.Sends = keys(s.Sends)
	f.Spawns = keys(s.Spawns)
	f.Recvs = slices.Clone(s.Recvs)
	return f
}

// keys returns the sorted distinct shared uses of sites.
func keys(sites []Site) []SharedUse {
	var out []SharedUse
	for _, s := range sites {
		out = append(out, SharedUse{Key: s.Chan, ViaRecv: s.ViaRecv})
	}
	slices.SortFunc(out, func(a, b SharedUse) int {
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		if a.ViaRecv == b.ViaRecv {
			return 0
		}
		if !a.ViaRecv {
			return -1
		}
		return 1
	})
	return slices.Compact(out)
}

// summary converts an imported fact back to a Summary for fn.
func (f *chanSummary) summary(fn *types.Func) *Summary {
	sig, ok := fn.Type().(*types.Signature)
	if !ok {
		return nil
	}
	n := sig.Params().Len()
	if sig.Recv() != nil {
		n++
	}
	s := &Summary{Slots: make([]SlotUse, n), NeverReturns: f.NeverReturns, Forever: f.Forever, Exits: f.Exits}
	for _, p := range f.Params {
		if p.Index < 0 || p.Index >= n {
			return nil // a fact from another version of the function
		}
		s.Slots[p.Index] = SlotUse{
			Sends: p.Sends, SpawnSends: p.SpawnSends,
			Recv: p.Recv, RecvMin: p.RecvMin, Close: p.Close, Escapes: p.Escapes,
		}
	}
	for _, u := range f.Sends {
		s.Sends = append(s.Sends, Site{Chan: u.Key, ViaRecv: u.ViaRecv})
	}
	for _, u := range f.Spawns {
		s.Spawns = append(s.Spawns, Site{Chan: u.Key, ViaRecv: u.ViaRecv})
	}
	s.Recvs = slices.Clone(f.Recvs)
	return s
}
