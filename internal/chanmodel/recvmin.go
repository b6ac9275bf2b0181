package chanmodel

import "golang.org/x/tools/go/ssa"

// recvMin returns the fewest receives from a channel whose events in fn
// are evs along a path from fn's entry to a return: a helper that returns
// on a timeout or a ticker without receiving on some path counts for no
// receive in its caller (fixture unguardedsend/partial). A path with no
// receive counts only when it leaves by a select case that waits on
// another channel instead (a timeout, a ticker, ctx.Done): one that skips
// the receives on a plain condition (if n == 0) or polls with a default
// case is taken to match the senders, as a counted loop is, and then the
// result is Many (a poll is how tests check for an error a goroutine may
// have sent, into a buffer sized for it). Many means every
// path receives all there is: it finds the channel closed, leaves a loop
// that receives through the loop's header (a counted loop, assumed to run
// as often as the senders need, as the abandonment search assumes), or a
// goroutine it starts receives (beyond the model). Paths that end the
// process, the goroutine or the test, or never return, are not counted;
// with no path to a return at all the result is Many, as when unknown.
func (m *model) recvMin(fn *ssa.Function, evs []event) int {
	n := len(fn.Blocks)
	if n == 0 || n > maxBlocks {
		return Many // unknown: the caller treats the receive as a full drain
	}
	g := m.cfgOf(fn)
	weight := make([]int, n)
	edge := map[[2]int]int{}
	loopRecv := map[int]bool{}
	competing := map[[2]int]bool{} // select cases taken instead of a receive
	for _, e := range evs {
		b := e.instr.Block().Index
		switch e.kind {
		case evRecv:
			weight[b] = add(weight[b], 1)
		case evRecvOk:
			weight[b] = add(weight[b], 1)
			if succ := closedSucc(e.instr.(*ssa.UnOp)); succ != nil {
				edge[[2]int{succ[0], succ[1]}] = Many // found closed: drained
			}
		case evCaseRecv:
			cases, _, ok := selectCases(e.instr.(*ssa.Select))
			if !ok {
				return Many // a select we cannot decode: unknown
			}
			c := cases[e.state]
			edge[c] = add(edge[c], 1)
			sel := e.instr.(*ssa.Select)
			for i, other := range cases {
				if i != e.state && other != noEdge && sel.States[i].Chan != sel.States[e.state].Chan {
					competing[other] = true
				}
			}
		case evDrain:
			weight[b] = add(weight[b], e.n)
		case evGoRecv:
			weight[b] = Many // another goroutine receives: beyond the model
		default:
			continue // not a receive
		}
		for h, in := range g.loops {
			if in[b] {
				loopRecv[h] = true
			}
		}
	}
	for h := range loopRecv {
		in := g.loops[h]
		exits := map[int]bool{}
		for _, s := range fn.Blocks[h].Succs {
			if !in[s.Index] {
				exits[s.Index] = true
				edge[[2]int{h, s.Index}] = Many // a counted loop ran to the end
			}
		}
		// A rotated loop (range over an integer) tests its bound before
		// the header too: skipping it is running it zero times, as many
		// as the senders need.
		for _, pred := range fn.Blocks[h].Preds {
			if in[pred.Index] {
				continue // the back edge
			}
			for _, s := range pred.Succs {
				if exits[s.Index] {
					edge[[2]int{pred.Index, s.Index}] = Many
				}
			}
		}
	}
	least := m.fewestToReturn(fn, weight, edge)
	if least == 0 && !m.returnsBy(fn, weight, edge, competing) {
		return Many // no receive only where a plain condition skips them
	}
	return least
}

// returnsBy reports whether a path from fn's entry reaches a return with
// no weight on it, through one of the competing edges.
func (m *model) returnsBy(fn *ssa.Function, weight []int, edge map[[2]int]int, competing map[[2]int]bool) bool {
	if len(competing) == 0 || weight[0] > 0 {
		return false // no competing case, or the entry receives
	}
	type node struct {
		b   int
		via bool // a competing edge was taken
	}
	seen := map[node]bool{{0, false}: true}
	work := []node{{0, false}}
	for len(work) > 0 {
		n := work[len(work)-1]
		work = work[:len(work)-1]
		b := fn.Blocks[n.b]
		if m.endsIn(b) {
			continue // no return along this path
		}
		if _, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok {
			if n.via {
				return true
			}
			continue
		}
		for _, s := range b.Succs {
			e := [2]int{n.b, s.Index}
			if edge[e] > 0 || weight[s.Index] > 0 {
				continue // it receives
			}
			next := node{s.Index, n.via || competing[e]}
			if !seen[next] {
				seen[next] = true
				work = append(work, next)
			}
		}
	}
	return false
}

// endsIn reports whether a path ends in b other than by returning.
func (m *model) endsIn(b *ssa.BasicBlock) bool {
	for _, instr := range b.Instrs {
		if m.endsPath(instr) {
			return true
		}
	}
	return false
}

// fewestToReturn returns the least total weight of blocks and edges along
// a path from fn's entry to a return, Many if none. Weights are
// non-negative and saturate at Many, so relaxing until nothing changes
// ends.
func (m *model) fewestToReturn(fn *ssa.Function, weight []int, edge map[[2]int]int) int {
	n := len(fn.Blocks)
	dist := make([]int, n)
	for i := range dist {
		dist[i] = Many
	}
	ends := make([]bool, n)
	for _, b := range fn.Blocks {
		ends[b.Index] = m.endsIn(b) // the path ends there, not by returning
	}
	dist[0] = weight[0]
	work := []int{0}
	best := Many
	for len(work) > 0 {
		bi := work[len(work)-1]
		work = work[:len(work)-1]
		b := fn.Blocks[bi]
		if ends[bi] {
			continue // no return along this path
		}
		if _, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok {
			best = min(best, dist[bi])
			continue
		}
		for _, s := range b.Succs {
			d := add(add(dist[bi], edge[[2]int{bi, s.Index}]), weight[s.Index])
			if d < dist[s.Index] {
				dist[s.Index] = d
				work = append(work, s.Index)
			}
		}
	}
	return best
}
