package chanmodel

import "golang.org/x/tools/go/ssa"

// sccs returns the strongly connected components of the graph with nodes
// 0..n-1 in reverse topological order: every component comes after the
// components it reaches. Callees are therefore summarised before callers.
func sccs(n int, succ func(int) []int) [][]int {
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	var out [][]int
	next := 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range succ(v) {
			if index[w] < 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return // v is inside a component rooted further up
		}
		var comp []int
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			comp = append(comp, w)
			if w == v {
				break
			}
		}
		out = append(out, comp)
	}
	for v := range n {
		if index[v] < 0 {
			visit(v)
		}
	}
	return out
}

// cfg holds the loop structure of one function's control-flow graph.
type cfg struct {
	fn *ssa.Function
	// comp maps a block index to its strongly connected component, and
	// comps lists the components in reverse topological order.
	comp  []int
	comps [][]int
	// cyclic reports whether a block lies on a cycle.
	cyclic []bool
	// loops maps a natural loop's header block index to its members.
	loops map[int][]bool
}

// newCFG computes the loop structure of fn, which must have blocks.
func newCFG(fn *ssa.Function) *cfg {
	n := len(fn.Blocks)
	g := &cfg{fn: fn, comp: make([]int, n), cyclic: make([]bool, n), loops: map[int][]bool{}}
	g.comps = sccs(n, func(i int) []int {
		succs := fn.Blocks[i].Succs
		out := make([]int, len(succs))
		for j, s := range succs {
			out[j] = s.Index
		}
		return out
	})
	for ci, c := range g.comps {
		for _, b := range c {
			g.comp[b] = ci
		}
		if len(c) > 1 {
			for _, b := range c {
				g.cyclic[b] = true
			}
		}
	}
	for _, b := range fn.Blocks {
		for _, s := range b.Succs {
			if s == b {
				g.cyclic[b.Index] = true
			}
			if s.Dominates(b) {
				g.addLoop(s, b)
			}
		}
	}
	return g
}

// addLoop adds to the natural loop headed by h the blocks that reach the
// back edge's source latch without passing through h.
func (g *cfg) addLoop(h, latch *ssa.BasicBlock) {
	in := g.loops[h.Index]
	if in == nil {
		in = make([]bool, len(g.fn.Blocks))
		g.loops[h.Index] = in
	}
	in[h.Index] = true
	work := []*ssa.BasicBlock{latch}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if in[b.Index] {
			continue // already in the loop, or the header itself
		}
		in[b.Index] = true
		work = append(work, b.Preds...)
	}
}

// longestPath returns the largest total weight along any path from the
// entry block, where weight gives each block's weight. A positive weight on
// a cycle makes the total Many.
func (g *cfg) longestPath(weight []int) int {
	best := make([]int, len(g.comps)) // best total on entry to a component, plus its weight
	reach := make([]bool, len(g.comps))
	reach[g.comp[0]] = true
	total := 0
	// Reverse topological order means the entry's component is last;
	// walk the components from the entry forward.
	for ci := len(g.comps) - 1; ci >= 0; ci-- {
		if !reach[ci] {
			continue // unreachable from entry
		}
		w := 0
		for _, b := range g.comps[ci] {
			w = add(w, weight[b])
		}
		if w > 0 && g.cyclic[g.comps[ci][0]] {
			w = Many
		}
		here := add(best[ci], w)
		total = max(total, here)
		for _, b := range g.comps[ci] {
			for _, s := range g.fn.Blocks[b].Succs {
				cs := g.comp[s.Index]
				if cs == ci {
					continue // inside the component
				}
				reach[cs] = true
				best[cs] = max(best[cs], here)
			}
		}
	}
	return total
}

// entryWeights returns, for each block, the largest total weight along a
// path from the entry block to the block's entry; a block on a cycle that
// carries weight gets Many, since earlier iterations came before it.
// Blocks unreachable from the entry get 0.
func (g *cfg) entryWeights(weight []int) []int {
	best := make([]int, len(g.comps))
	out := make([]int, len(g.fn.Blocks))
	for ci := len(g.comps) - 1; ci >= 0; ci-- {
		w := 0
		for _, b := range g.comps[ci] {
			w = add(w, weight[b])
		}
		if w > 0 && g.cyclic[g.comps[ci][0]] {
			w, best[ci] = Many, Many
		}
		for _, b := range g.comps[ci] {
			out[b] = best[ci]
		}
		here := add(best[ci], w)
		for _, b := range g.comps[ci] {
			for _, s := range g.fn.Blocks[b].Succs {
				if cs := g.comp[s.Index]; cs != ci {
					best[cs] = max(best[cs], here)
				}
			}
		}
	}
	return out
}

// Many stands for a count with no useful static bound.
const Many = 1 << 20

// add adds two counts, saturating at Many.
func add(a, b int) int {
	if a >= Many || b >= Many || a+b >= Many {
		return Many
	}
	return a + b
}
