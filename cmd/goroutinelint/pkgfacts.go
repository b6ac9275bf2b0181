package main

import (
	"bytes"
	"cmp"
	"encoding/gob"
	"fmt"
	"go/types"
	"reflect"
	"slices"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/objectpath"
)

// Facts in the package-at-a-time driver. A package's facts are encoded
// once it is analysed: each names its object by package path and object
// path (objectpath), which its importers resolve against the types they
// read from export data, as unitchecker's facts files do. A fact about an
// object that an importer's types do not hold cannot matter to it and is
// left out, as there. Each package gets the facts of every package it
// imports, directly or not, outside the standard library.

// A factRecord is one fact as encoded: an object fact when Obj is set, a
// package fact otherwise.
type factRecord struct {
	Pkg  string
	Obj  objectpath.Path
	Fact analysis.Fact
}

// A decodedFact is a factRecord of a dependency, decoded once and shared
// by its importers. Facts are values that passes only read once
// imported, as in the whole-program driver, which shares them too.
type decodedFact = factRecord

// registerFacts registers the fact types of analyzers and what they
// require with gob, which encodes facts by their registered names.
func registerFacts(analyzers []*analysis.Analyzer) {
	for _, a := range analyzers {
		for _, f := range a.FactTypes {
			gob.Register(f)
		}
		registerFacts(a.Requires)
	}
}

// factFilter returns the fact types of a.
func factFilter(a *analysis.Analyzer) map[reflect.Type]bool {
	out := make(map[reflect.Type]bool, len(a.FactTypes))
	for _, f := range a.FactTypes {
		out[reflect.TypeOf(f)] = true
	}
	return out
}

// A factKey names a fact: of obj, or of pkg when obj is nil, of type t.
type factKey struct {
	obj types.Object
	pkg *types.Package
	t   reflect.Type
}

// A factSet holds the facts one package's analysis sees: its
// dependencies' and its own.
type factSet struct {
	pkg *types.Package // the package analysed

	mu    sync.Mutex
	facts map[factKey]analysis.Fact
}

// newFactSet returns an empty set for the analysis of pkg.
func newFactSet(pkg *types.Package) *factSet {
	return &factSet{pkg: pkg, facts: make(map[factKey]analysis.Fact)}
}

// importFrom adds the facts of a dependency, resolved against the packages
// the type checker read from export data (imports, by package path).
func (s *factSet) importFrom(decoded []decodedFact, imports map[string]*types.Package) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range decoded {
		pkg, ok := imports[r.Pkg]
		if !ok {
			continue // no type of the package reaches this one
		}
		key := factKey{pkg: pkg, t: reflect.TypeOf(r.Fact)}
		if r.Obj != "" {
			obj, err := objectpath.Object(pkg, r.Obj)
			if err != nil {
				continue // not in the export data this package reads
			}
			key = factKey{obj: obj, t: key.t}
		}
		s.facts[key] = r.Fact
	}
}

// importObjectFact implements Pass.ImportObjectFact.
func (s *factSet) importObjectFact(obj types.Object, ptr analysis.Fact) bool {
	return s.load(factKey{obj: obj, t: reflect.TypeOf(ptr)}, ptr)
}

// importPackageFact implements Pass.ImportPackageFact.
func (s *factSet) importPackageFact(pkg *types.Package, ptr analysis.Fact) bool {
	return s.load(factKey{pkg: pkg, t: reflect.TypeOf(ptr)}, ptr)
}

// load copies the fact under key into ptr and reports whether there was one.
func (s *factSet) load(key factKey, ptr analysis.Fact) bool {
	if key.obj == nil && key.pkg == nil {
		panic("nil object or package given for a fact")
	}
	s.mu.Lock()
	f, ok := s.facts[key]
	s.mu.Unlock()
	if ok {
		reflect.ValueOf(ptr).Elem().Set(reflect.ValueOf(f).Elem())
	}
	return ok
}

// exportObjectFact implements Pass.ExportObjectFact; the pass checks that
// obj belongs to the package analysed.
func (s *factSet) exportObjectFact(obj types.Object, fact analysis.Fact) {
	s.mu.Lock()
	s.facts[factKey{obj: obj, t: reflect.TypeOf(fact)}] = fact
	s.mu.Unlock()
}

// exportPackageFact implements Pass.ExportPackageFact.
func (s *factSet) exportPackageFact(fact analysis.Fact) {
	s.mu.Lock()
	s.facts[factKey{pkg: s.pkg, t: reflect.TypeOf(fact)}] = fact
	s.mu.Unlock()
}

// allObjectFacts implements Pass.AllObjectFacts for the fact types of filter.
func (s *factSet) allObjectFacts(filter map[reflect.Type]bool) []analysis.ObjectFact {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []analysis.ObjectFact
	for k, f := range s.facts {
		if k.obj != nil && filter[k.t] {
			out = append(out, analysis.ObjectFact{Object: k.obj, Fact: f})
		}
	}
	return out
}

// allPackageFacts implements Pass.AllPackageFacts for the fact types of filter.
func (s *factSet) allPackageFacts(filter map[reflect.Type]bool) []analysis.PackageFact {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []analysis.PackageFact
	for k, f := range s.facts {
		if k.obj == nil && filter[k.t] {
			out = append(out, analysis.PackageFact{Package: k.pkg, Fact: f})
		}
	}
	return out
}

// encode returns the facts of the package analysed, in a stable order. A
// fact about an object that has no object path (none of ours is on a
// local object) is left out: no importer could name it.
func (s *factSet) encode() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var enc objectpath.Encoder
	var records []factRecord
	for k, f := range s.facts {
		switch {
		case k.obj == nil && k.pkg == s.pkg:
			records = append(records, factRecord{Pkg: s.pkg.Path(), Fact: f})
		case k.obj != nil && k.obj.Pkg() == s.pkg:
			path, err := enc.For(k.obj)
			if err != nil {
				continue
			}
			records = append(records, factRecord{Pkg: s.pkg.Path(), Obj: path, Fact: f})
		}
	}
	slices.SortFunc(records, func(a, b factRecord) int {
		return cmp.Or(cmp.Compare(a.Obj, b.Obj), cmp.Compare(reflect.TypeOf(a.Fact).String(), reflect.TypeOf(b.Fact).String()))
	})
	if len(records) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(records); err != nil {
		return nil, fmt.Errorf("encoding the facts of %s: %v", s.pkg.Path(), err)
	}
	return buf.Bytes(), nil
}

// decodedFacts returns u's facts decoded, once.
func (u *unit) decodedFacts() ([]decodedFact, error) {
	u.factsOnce.Do(func() {
		encoded, err := u.entry.facts()
		if err != nil {
			u.factsErr = err
			return
		}
		if len(encoded) == 0 {
			return
		}
		if err := gob.NewDecoder(bytes.NewReader(encoded)).Decode(&u.facts); err != nil {
			u.factsErr = fmt.Errorf("decoding the facts of %s: %v", u.pkg.ID, err)
		}
	})
	return u.facts, u.factsErr
}
