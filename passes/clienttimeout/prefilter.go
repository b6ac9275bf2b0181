package clienttimeout

import (
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// mentionsClient reports whether the package names anything this pass
// looks at: the http.Client type or a type that is, aliases or embeds it,
// http.DefaultClient and its helpers, or a function known to return a bare
// client. Every literal, new call, zero variable and call the pass judges
// names one of these through an identifier, so a package that names none
// has nothing to report or export. Go vet and the standalone driver run
// the pass over every dependency for its facts, where this check is most
// of the cost.
func mentionsClient(pass *analysis.Pass) bool {
	helpers := make(map[types.Object]bool)
	for _, f := range pass.AllObjectFacts() {
		if _, ok := f.Fact.(*returnsBareClient); ok {
			helpers[f.Object] = true
		}
	}
	for _, obj := range pass.TypesInfo.Uses {
		switch obj := obj.(type) {
		case *types.TypeName:
			if t := obj.Type(); isClient(t) || embeddedClientIndex(t) >= 0 {
				return true
			}
		case *types.Var, *types.Func:
			if _, ok := defaultClientUse(obj); ok {
				return true
			}
			if fn, ok := obj.(*types.Func); ok && helpers[fn.Origin()] {
				return true
			}
		}
	}
	return false
}
