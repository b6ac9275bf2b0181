package clienttimeout

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// maxTransportWork bounds the instructions answersInProcess looks at for
// one transport, callees of the package included.
const maxTransportWork = 2000

// hasInProcessTransport reports whether the client literal's Transport is a
// value of a type of this package whose RoundTrip answers in-process: such
// a client never waits on a server.
func (c *checker) hasInProcessTransport(lit *ast.CompositeLit) bool {
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			return false // positional fields
		}
		if key, ok := kv.Key.(*ast.Ident); !ok || key.Name != "Transport" {
			continue
		}
		t := c.pass.TypesInfo.TypeOf(kv.Value)
		if t == nil || types.IsInterface(t) {
			return false // a RoundTripper chosen elsewhere: may reach the network
		}
		obj, _, _ := types.LookupFieldOrMethod(t, true, c.pass.Pkg, "RoundTrip")
		m, ok := obj.(*types.Func)
		if !ok || m.Pkg() != c.pass.Pkg {
			return false // not a transport of this package
		}
		fn := c.ssaPkg.Prog.FuncValue(m)
		if fn == nil {
			return false
		}
		// A fresh memo per literal: a function judged while a cycle was
		// being decided keeps a verdict that held only for that cycle.
		c.inProcess = make(map[*ssa.Function]bool)
		work := maxTransportWork
		return c.answersInProcess(fn, &work)
	}
	return false
}

// answersInProcess reports whether fn, with its closures and the functions
// of this package it calls, certainly reaches no other RoundTripper and no
// network: every call is to a builtin, to a function of this package that
// answers in-process too, or to a standard-library function known to stay
// in-process (strings, encoding, an httptest.ResponseRecorder...). A
// RoundTrip, Do or Dial call, an interface method, a function value, or a
// function of another package is unknown and makes it false. work bounds
// the instructions looked at.
func (c *checker) answersInProcess(fn *ssa.Function, work *int) bool {
	if done, ok := c.inProcess[fn]; ok {
		return done // decided, or being decided (a cycle adds no call)
	}
	if fn.Blocks == nil {
		return false // no body to read
	}
	c.inProcess[fn] = true
	ok := c.bodyInProcess(fn, work)
	c.inProcess[fn] = ok
	return ok
}

// bodyInProcess checks fn's own instructions and its closures'.
func (c *checker) bodyInProcess(fn *ssa.Function, work *int) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if *work--; *work < 0 {
				return false // too big to decide
			}
			call, ok := instr.(ssa.CallInstruction)
			if ok && !c.callInProcess(call.Common(), work) {
				return false
			}
		}
	}
	for _, anon := range fn.AnonFuncs {
		if !c.answersInProcess(anon, work) {
			return false
		}
	}
	return true
}

// callInProcess reports whether the call certainly stays in-process.
func (c *checker) callInProcess(call *ssa.CallCommon, work *int) bool {
	if _, ok := call.Value.(*ssa.Builtin); ok {
		return true
	}
	if call.IsInvoke() {
		name := call.Method.Name()
		return (name == "Error" || name == "String") && len(call.Args) == 0 // formatting a value
	}
	callee := call.StaticCallee()
	if callee == nil || callee.Pkg == nil {
		return false // a function value or a wrapper: unknown
	}
	name := callee.Name()
	if name == "RoundTrip" || name == "Do" || strings.HasPrefix(name, "Dial") {
		return false // the next transport, a client, or a connection
	}
	if callee.Pkg.Pkg == c.pass.Pkg {
		return c.answersInProcess(callee, work)
	}
	return isInProcessStd(callee)
}

// inProcessStd lists standard-library packages whose functions reach no
// network and call no other transport.
var inProcessStd = map[string]bool{
	"bufio": true, "bytes": true, "compress/gzip": true, "context": true, "encoding/base64": true,
	"encoding/hex": true, "encoding/json": true, "encoding/xml": true, "errors": true, "fmt": true,
	"io": true, "io/ioutil": true, "maps": true, "math": true, "mime": true, "net/url": true,
	"path": true, "path/filepath": true, "regexp": true, "slices": true, "sort": true,
	"strconv": true, "strings": true, "sync": true, "sync/atomic": true, "time": true,
	"unicode": true, "unicode/utf8": true,
}

// inProcessHTTPFuncs lists the net/http functions that build or parse
// messages without sending them.
var inProcessHTTPFuncs = map[string]bool{
	"CanonicalHeaderKey": true, "DetectContentType": true, "Error": true, "MaxBytesReader": true,
	"NewRequest": true, "NewRequestWithContext": true, "NotFound": true, "ParseHTTPVersion": true,
	"ParseTime": true, "ReadRequest": true, "ReadResponse": true, "StatusText": true,
}

// isInProcessStd reports whether callee is a standard-library function
// known to stay in-process.
func isInProcessStd(callee *ssa.Function) bool {
	path := callee.Pkg.Pkg.Path()
	recv := recvName(callee)
	switch path {
	case "net/http":
		switch recv {
		case "":
			return inProcessHTTPFuncs[callee.Name()]
		case "Header", "Request", "Response", "Cookie":
			return true
		}
		return false // Client, Transport, Server, handlers...
	case "net/http/httptest":
		if recv == "" {
			switch callee.Name() {
			case "NewRecorder", "NewRequest", "NewRequestWithContext":
				return true
			}
		}
		return recv == "ResponseRecorder"
	}
	return inProcessStd[path]
}

// recvName returns the name of fn's receiver type, or "".
func recvName(fn *ssa.Function) string {
	recv := fn.Signature.Recv()
	if recv == nil {
		return ""
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}
