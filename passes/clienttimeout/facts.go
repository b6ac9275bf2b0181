package clienttimeout

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
