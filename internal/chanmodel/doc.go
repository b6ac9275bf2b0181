// Package chanmodel defines an Analyzer that computes the channel model
// shared by the passes about goroutines that block forever.
//
// # Analyzer chanmodel
//
// chanmodel: summarize how functions use channels
//
// The analyzer reports nothing. For each function of a package it computes
// a summary, bottom-up over the static call graph (recursive functions are
// iterated to a fixpoint): for each channel parameter and captured channel,
// how many blocking sends with no select escape it makes on one path,
// directly, in callees or in goroutines it starts, and whether it receives,
// closes or lets the channel escape; the shared channels (package-level
// variables and fields of receivers) it, or goroutines it starts, may block
// sending to, and those it receives from (a send to a channel the same
// function receives from is a semaphore or token, not a hand-off); and
// whether it can return at all, and if not, whether it runs forever or ends
// the process or goroutine (os.Exit, log.Fatal, runtime.Goexit and the like
// are known by name, and so are testing.TB's Fatal, FailNow and Skip
// methods, also through interfaces that embed it or have its shape); and,
// for a channel it receives from, the fewest receives it makes on a path
// that returns. Summaries of exported and
// unexported package-level functions and methods travel to importing
// packages as facts.
//
// Its result also answers, per function, which channels made there can be
// abandoned: a goroutine the function starts sends on the channel, and a
// path from the start to a return receives less than the buffer requires;
// and why a function or a goroutine it starts can never finish: a loop with
// no way out, a receive that never completes, or a range over a channel
// that nothing closes. A path that ends the test or the process (t.Fatal,
// log.Fatal, os.Exit, a call that never returns) is no return. A receive
// from another channel made there stands for the send of a goroutine that
// sends at most once in total on the two, when it is that channel's only
// sender started so far. Once the receives on a path match every send
// started so far, those goroutines are done, and later ones are compared
// with the buffer alone. A helper counts for the receives it makes on
// every path that returns. A function run by time.AfterFunc is a goroutine
// started at the call, when the timer is not kept. A close (or send) inside a loop may have run on
// an earlier iteration, so a path through that loop may have closed the
// channel. An unexported struct field that the package fills only from
// make, never closes and never hands out is judged like a package-level
// channel; one it never assigns is nil. A send or receive that can never
// complete (a nil channel, an unbuffered channel private to the
// goroutine) ends the path, and deferred calls are no way out unless a
// deferred recover meets a panic of the package. It also says how often
// a function runs: once from main or init (or what only they call, or a
// package-level sync.Once), once per value for a field's sync.Once, else
// per call.
//
// The standard library is not summarized: a channel handed to it is of
// unknown fate, and the passes say nothing about it.
package chanmodel
