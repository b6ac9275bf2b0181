package engine

import "slices"

// chunkSize is the number of registers in a chunk.
const chunkSize = 16

// A regChunk holds chunkSize registers of a frame, shared between the
// copies of the frame until one writes to it.
type regChunk struct {
	v   [chunkSize]value
	h   uint64 // digest, valid while hok; a write clears hok
	hok bool
}

// regFile holds the registers of a frame in chunks, so that copying a
// frame (at every fork and at the first write after a state is copied)
// costs a pointer per chunk, and a write copies only its chunk. Large
// functions have hundreds of registers; copying them whole was half the
// search's work.
type regFile struct {
	c     []*regChunk
	owned []bool // the frame may write chunk i in place
	cells *int   // the search's count of values copied
}

// newRegFile returns n registers, all owned.
func newRegFile(n int, cells *int) regFile {
	k := (n + chunkSize - 1) / chunkSize
	r := regFile{c: make([]*regChunk, k), owned: make([]bool, k), cells: cells}
	chunks := make([]regChunk, k) // one allocation for all the chunks
	for i := range r.c {
		r.c[i] = &chunks[i]
		r.owned[i] = true
	}
	return r
}

// get returns register i.
func (r *regFile) get(i int) value { return r.c[i/chunkSize].v[i%chunkSize] }

// set writes register i, copying its chunk first if it is shared.
func (r *regFile) set(i int, v value) {
	ci := i / chunkSize
	c := r.c[ci]
	if !r.owned[ci] {
		c2 := *c
		c = &c2
		r.c[ci] = c
		r.owned[ci] = true
		if r.cells != nil {
			*r.cells += chunkSize
		}
	}
	c.v[i%chunkSize] = v
	c.hok = false
}

// share returns a copy of r sharing its chunks; neither r nor the copy
// owns them any more.
func (r *regFile) share() regFile {
	clear(r.owned)
	if r.cells != nil {
		*r.cells += len(r.c)
	}
	return regFile{c: slices.Clone(r.c), owned: make([]bool, len(r.c)), cells: r.cells}
}

// each calls fn for every register (and the unused ones of the last
// chunk, which hold the zero value).
func (r *regFile) each(fn func(value)) {
	for _, c := range r.c {
		for _, v := range c.v {
			fn(v)
		}
	}
}
