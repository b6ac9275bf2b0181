package clienttimeout

import (
	"strconv"
	"strings"
)

// returnsBareClient marks a function that returns an http.Client (or a struct
// embedding one) with no Timeout. Callers in another module are told at the
// call, since they cannot fix the function.
type returnsBareClient struct {
	Module string // module of the function; "" when unknown
	What   string // "an http.Client", or "a pkg.T embedding an http.Client"
}

func (*returnsBareClient) AFact() {}

func (f *returnsBareClient) String() string {
	return "returnsBareClient(" + f.What + ")"
}

// clientParams summarises an exported function of this package that takes
// *http.Client parameters: SetsTimeout lists, by SSA parameter index (a
// method's receiver is 0), those whose Timeout the function may set,
// directly, on a copy it keeps, or by handing the client to code that may.
// A client handed to such a parameter is configured there. The fact is
// exported for every such function, with an empty list when it sets none:
// a callee without the fact was not analysed (the standard library, a
// package for tests), and a client handed to it is unknown, so not reported.
type clientParams struct {
	SetsTimeout []int // sorted
}

func (*clientParams) AFact() {}

func (f *clientParams) String() string {
	if len(f.SetsTimeout) == 0 {
		return "clientParams(sets no Timeout)"
	}
	s := make([]string, len(f.SetsTimeout))
	for i, n := range f.SetsTimeout {
		s[i] = strconv.Itoa(n)
	}
	return "clientParams(sets Timeout on argument " + strings.Join(s, ", ") + ")"
}
