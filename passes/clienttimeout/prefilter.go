package clienttimeout

import (
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// mentions records what a package names of the things this pass looks at.
type mentions struct {
	any           bool // anything at all: a client type, DefaultClient or its helpers, a bare-client helper
	defaultClient bool // http.DefaultClient or one of its helpers
}

// scanMentions looks, in one pass over the identifiers' objects, for the
// http.Client type or a type that is, aliases or embeds it,
// http.DefaultClient and its helpers, and functions known to return a
// bare client. Every literal, new call, zero variable and call the pass
// judges names one of these through an identifier, so a package that names
// none has nothing to report or export. Go vet and the standalone driver
// run the pass over every dependency for its facts, where this scan is
// most of the cost.
func scanMentions(pass *analysis.Pass) mentions {
	helpers := make(map[types.Object]bool)
	for _, f := range pass.AllObjectFacts() {
		if _, ok := f.Fact.(*returnsBareClient); ok {
			helpers[f.Object] = true
		}
	}
	var m mentions
	for _, obj := range pass.TypesInfo.Uses {
		switch obj := obj.(type) {
		case *types.TypeName:
			if t := obj.Type(); isClient(t) || embeddedClientIndex(t) >= 0 {
				m.any = true
			}
		case *types.Var, *types.Func:
			if _, ok := defaultClientUse(obj); ok {
				m.any, m.defaultClient = true, true
				return m // nothing more to learn
			}
			if fn, ok := obj.(*types.Func); ok && helpers[fn.Origin()] {
				m.any = true
			}
		}
	}
	return m
}
