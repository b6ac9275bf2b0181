package engine

import (
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestMemo checks the persistent memo against a plain map: every version
// keeps its own entries after later sets, and the digest is the xor of the
// entries' FNV-1a digests whatever the order of the sets.
func TestMemo(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var versions []memo
	var models []map[string]bool
	m, model := memo{}, map[string]bool{}
	for i := range 3000 {
		// Few distinct keys at first, so that keys are set again, then
		// many, so that the trie grows several levels.
		key := "(i" + strconv.Itoa(r.IntN(10+i)) + "==len(s" + strconv.Itoa(r.IntN(5)) + "))"
		v := r.IntN(2) == 0
		m = m.set(key, v)
		model = maps.Clone(model)
		model[key] = v
		if i%100 == 0 {
			versions, models = append(versions, m), append(models, model)
		}
	}
	versions, models = append(versions, m), append(models, model)
	for i, m := range versions {
		model := models[i]
		if m.n != len(model) {
			t.Fatalf("version %d: %d entries, want %d", i, m.n, len(model))
		}
		var h uint64
		for k, v := range model {
			if got, ok := m.get(k); !ok || got != v {
				t.Fatalf("version %d: get(%q) = %v, %v; want %v, true", i, k, got, ok, v)
			}
			f := fnv.New64a()
			f.Write([]byte(k))
			if v {
				f.Write([]byte{1})
			}
			h ^= f.Sum64()
		}
		if m.h != h {
			t.Fatalf("version %d: digest %x, want %x", i, m.h, h)
		}
		if _, ok := m.get("(i-1==len(s0))"); ok {
			t.Fatalf("version %d: a key never set is found", i)
		}
	}
}

// TestMemoCollisions checks keys whose digests agree in every bit, which
// end in a list node past the last level.
func TestMemoCollisions(t *testing.T) {
	t.Parallel()
	var n *mnode[int]
	for i := range 5 {
		n = n.set(42, 0, strconv.Itoa(i), i)
	}
	n = n.set(42, 0, "3", 30)
	for i := range 5 {
		want := i
		if i == 3 {
			want = 30
		}
		if got, ok := n.get(42, 0, strconv.Itoa(i)); !ok || got != want {
			t.Errorf("get(%d) = %d, %v; want %d, true", i, got, ok, want)
		}
	}
	if _, ok := n.get(42, 0, "5"); ok {
		t.Error("a key never set is found")
	}
}

// TestMemoBounds checks that the entries bounds reads for a symbol are
// indexed under it, in both operand orders and with negative constants,
// and that a key set again counts with its newest outcome.
func TestMemoBounds(t *testing.T) {
	t.Parallel()
	s := &state{}
	s.memo = s.memo.set("(i0<len(s1))", true).set("(len(s1)<i5)", true).set("(i2==len(s1))", false).set("(s9==i-3)", false).set("(i7<s2)", true)
	if lo, hi := s.bounds("len(s1)"); lo != 1 || hi != 4 {
		t.Errorf("bounds(len(s1)) = %d, %d; want 1, 4", lo, hi)
	}
	s.memo = s.memo.set("(len(s1)<i5)", false)
	if lo, _ := s.bounds("len(s1)"); lo != 5 {
		t.Errorf("after len(s1) < 5 was set false: lo = %d, want 5", lo)
	}
	for _, tc := range []struct {
		key  string
		want []string
	}{
		{"(i0<len(s1))", []string{"len(s1)"}},
		{"(s9==i-3)", []string{"s9"}},
		{"(i1<i2)", []string{"i2", "i1"}},
		{"(s1<s2)", nil},
		{"s1", nil},
	} {
		if p := boundSyms(tc.key); !slices.Equal(p.list(), tc.want) {
			t.Errorf("boundSyms(%q) = %q, want %q", tc.key, p.list(), tc.want)
		}
	}
}
