// Package clienttimeout defines an Analyzer that reports net/http clients
// that have no Timeout.
//
// # Analyzer clienttimeout
//
// clienttimeout: report http.Client values that have no Timeout
//
// An http.Client whose Timeout is zero waits for an unresponsive server
// forever: a peer that accepts the connection and never answers pins the
// calling goroutine, and in a server every request that reaches that code
// strands one more goroutine. The analyzer reports:
//
//   - composite literals http.Client{...} and &http.Client{...} that set no
//     Timeout, or set it to a constant zero, and new(http.Client);
//   - a zero-value variable of type http.Client that is used;
//   - struct literals whose embedded http.Client is left without a Timeout;
//   - uses of http.DefaultClient and calls of http.Get, http.Head, http.Post
//     and http.PostForm, which use the default client
//     (-clienttimeout.default-client=false turns this part off);
//   - calls of a function from another module that returns a client with no
//     Timeout, since the user cannot fix the function itself.
//
// A client whose Timeout is assigned later in the same function, one given a
// non-constant Timeout, a copy of another client, and a client handed to a
// function that sets its Timeout (or to code the analysis cannot see) are not
// reported. Nor is a client whose Transport is a type of its package that
// answers in-process, nor one whose Transport is either the caller's or a
// package default *http.Transport with a ResponseHeaderTimeout (a server that
// never answers fails after it), nor a default or Timeout-less client used
// only as a nil fallback (if c == nil { c = http.DefaultClient }) in a
// function whose every request carries its caller's context, or on an
// unexported struct field (if s.hc == nil { ... }) that the package never
// leaves nil. Tests are left alone: _test.go files and packages that exist
// for tests (a non-test file imports testing or starts an httptest server)
// are not reported unless -clienttimeout.tests is set.
//
// WRONG:
//
//	client := &http.Client{}
//	resp, err := client.Get(url)
//
// RIGHT:
//
//	client := &http.Client{Timeout: 10 * time.Second}
//	resp, err := client.Get(url)
//
// A context deadline on every request (http.NewRequestWithContext) also
// bounds the wait; a client used that way everywhere, or a streaming or
// long-poll client that must not time out, is silenced with a reason:
//
//	//goroutinelint:ignore clienttimeout event stream; each request carries a deadline
//
// The suggested fix inserts Timeout: 30 * time.Second (set the value with
// -clienttimeout.fix-timeout). It changes behavior: requests that take longer
// start to fail.
package clienttimeout
