// Package unguardedsend defines an Analyzer that reports channel sends
// that may block a goroutine forever.
//
// # Analyzer unguardedsend
//
// unguardedsend: report channel sends that may block a goroutine forever
//
// A goroutine blocked on a channel send that nothing will ever receive is
// never collected: it pins its stack and everything it references, and in a
// server one more is stranded by every request that takes the path. The
// analyzer reports, at the send:
//
//   - abandoned channels (category abandoned): a function makes a channel
//     (unbuffered, or with a constant buffer smaller than the sends), starts
//     goroutines that send on it, and has a path to a return that receives
//     too little: a select that returns on ctx.Done(), a timeout or another
//     case, an early return, or a loop that returns on the first error while
//     other senders are pending;
//   - per-request sends to shared channels (category shared): a goroutine
//     started by an HTTP handler that, itself or through the functions it
//     calls, sends with no select escape to a package-level channel or to a
//     field of the handler's receiver; when the reader falls behind, every
//     request strands one goroutine (-unguardedsend.any-spawner extends this
//     to goroutines started by any function);
//   - HTTP handlers that themselves send to such a channel with no select
//     escape (category handler): the request blocks while the readers are
//     slow, and stays blocked after the client has gone;
//   - sends that an exploration of how the function's goroutines interleave
//     finds stuck (the interaction engine, category stranded): in some
//     interleaving every goroutine that could receive has returned or is
//     blocked itself, the channel is nil, or only the sender holds it.
//
// The go statement, where the channel was made and where the other
// goroutines returned or blocked are related locations. A goroutine the
// exploration finds stuck before it reaches its send (on a lock nobody
// releases) is left to noexit, which reports it at its go statement.
//
// Sends in functions the goroutine calls are found through summaries, also
// across packages. A send in a select with a receive case (ctx.Done(), a
// timer, a quit channel) or a default case is not reported, nor is a
// channel whose buffer holds every send, one the function receives from on
// every path (also in a deferred function or a helper), one ranged over
// until it is closed, or one handed to code the analysis cannot see.
//
// WRONG:
//
//	resc := make(chan result)
//	go func() { resc <- fetch(ctx) }()
//	select {
//	case r := <-resc:
//		return r, nil
//	case <-ctx.Done():
//		return result{}, ctx.Err() // the goroutine blocks on its send forever
//	}
//
// RIGHT:
//
//	resc := make(chan result, 1) // the send completes even if nobody receives
//
// WRONG:
//
//	go func() { logCh <- msg }() // in a handler
//
// RIGHT:
//
//	go func() {
//		select {
//		case logCh <- msg:
//		case <-ctx.Done():
//		}
//	}()
//
// Suggested fixes give an abandoned channel with a single send a buffer of
// one, and wrap a send to a shared channel in a select on the Done channel
// of a context in scope; the second changes behavior (the value is dropped
// when the context ends). A send that is known to be safe is silenced with
// a reason:
//
//	//goroutinelint:ignore unguardedsend the reader never stops before shutdown
//
// Channels of unknown origin, dynamic calls, channels passed to the
// standard library and functions of packages analyzed without facts are
// not reported. A path that ends the test, the goroutine or the process
// is no return: t.Fatal, t.FailNow, t.Skip and their kin on a test,
// benchmark or fuzz target (also through testing.TB, an interface that
// embeds it, or an assertion library's interface of the same shape),
// runtime.Goexit, log.Fatal, os.Exit, and functions of any package that
// call one of them on every path. An assertion helper that stops the test
// only when the assertion fails is an ordinary call. A goroutine that sends
// once in total, on one channel or another (a result or an error), has sent
// when the spawner receives from either. Sends that follow each other are
// compared with the buffer as they happen: a goroutine started after the
// spawner received every send started before it needs no room for those,
// and the send reported is the one that can be left over. A goroutine that
// sends on a shared channel its spawner receives from gives back a token or
// answers the spawner: it is not reported as shared.
//
// A helper the spawner hands the channel to counts for the receives it
// makes on every path that returns: one that returns on a timeout, a
// ticker or ctx.Done without receiving counts for none. A function run by
// time.AfterFunc runs in a goroutine of its own, and its sends are judged
// like a goroutine's, unless the timer is kept (to be stopped, say): then
// whether the function runs at all is unknown.
package unguardedsend
