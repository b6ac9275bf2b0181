// Package noexit defines an Analyzer that reports goroutines that can
// never finish.
//
// # Analyzer noexit
//
// noexit: report goroutines that can never finish
//
// A goroutine that can never return is never collected: it pins its stack
// and everything it references for as long as the process lives. Started
// per call, it leaks one more goroutine every time; started in init, it
// cannot be stopped and leaks into every test of the package. The analyzer
// reports, at the go statement (or errgroup.Group.Go, sync.WaitGroup.Go):
//
//   - goroutines with no way out (category forever): the function has no
//     reachable return, directly or through the function it calls, in this
//     package or another: a loop that receives from a queue, sleeps or
//     polls with no return or break, or a select with no case;
//   - goroutines that wait on a channel that nothing closes (category
//     unclosed): a range over, or a receive loop on, a channel made by the
//     spawner, an unexported package-level channel, or an unexported
//     struct field that the package only assigns from make, that nothing
//     in the package closes and that never leaves the package; or a
//     receive from one that nothing closes or sends on;
//   - goroutines that wait on a channel the spawner closes on some paths
//     only (category early): an early return leaves it open;
//   - goroutines that an exploration of how the function's goroutines
//     interleave finds stuck (the interaction engine): waiting to receive
//     or in a select that every goroutine able to answer has left
//     (category blocked), on a lock whose holder is blocked or returned
//     without unlocking it, or that the goroutine holds itself (lock), on
//     a WaitGroup whose Done a path skips or a blocked goroutine never
//     reaches (waitgroup), or on a Cond nothing signals after the wait
//     (cond).
//
// The wait is the first related location, then where its channel or lock
// was made and where the other goroutines returned or blocked: for a lock,
// where its holder took it and where the holder blocks or returned; for a
// WaitGroup, the return that skips Done. When the
// stuck goroutine is the function the exploration started from, no go
// statement exists and the report is at the wait. A goroutine that can be
// stuck on a send is reported by unguardedsend, at the send, so that one
// stuck goroutine gets one report.
//
// A loop that returns or breaks under any condition, receives from
// ctx.Done() or a stop channel that is closed, checks a receive's ok, or
// calls runtime.Goexit has a way out. A goroutine whose only ways out end
// the process (os.Exit, log.Fatal, a panic) is not reported. Deferred
// calls (wg.Done, a recover, a close) are no way out of a loop, and
// neither is code after an operation that can never complete: a receive
// or send on a nil channel (an unexported field nothing assigns is nil),
// or on an unbuffered channel the goroutine made and shares with no one.
//
// Where a goroutine starts decides how often it leaks. Started once from
// main, or from code only main calls, or in package main by a function
// kept in a command table (a field, map entry or element filled once by
// main, init or a package variable, handed to no call, not an HTTP
// handler), it is a daemon, reported only with -noexit.main. Started once per process from init, code only init
// calls, or a package-level sync.Once (or sync.OnceFunc), it is reported
// once, unless it only sleeps or ticks (a janitor). Started anywhere else
// (handlers, constructors, code called from loops, a struct field's
// sync.Once), it is reported with how many leak: one per call, or one per
// value of the struct holding the Once.
//
// WRONG:
//
//	func init() {
//		go func() {
//			for {
//				task := <-taskQueue
//				task.Run()
//			}
//		}()
//	}
//
// RIGHT:
//
//	func (p *Pool) worker() {
//		defer p.wg.Done()
//		for {
//			select {
//			case task, ok := <-p.tasks:
//				if !ok {
//					return
//				}
//				task.Run()
//			case <-p.stop: // closed by Close
//				return
//			}
//		}
//	}
//
// A goroutine meant to live as long as the process is silenced with a
// reason:
//
//	//goroutinelint:ignore noexit the collector runs for the whole process
//
// Goroutines whose function is dynamic, loops whose exit depends on
// something the analysis cannot see (a field, a channel handed in by a
// caller, an interface call), and functions of packages analyzed without
// facts are not reported. A return is not early when the path to it may
// have closed the channel: a close inside a loop the path goes through
// may have run on an earlier iteration. A path that ends the test or the
// process (t.Fatal, t.Skip, log.Fatal, os.Exit) is no return.
package noexit
