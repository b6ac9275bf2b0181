// Package engine defines an Analyzer that finds goroutines that can wait
// forever, by exploring how the goroutines of a function interleave.
//
// # Analyzer engine
//
// engine: explore goroutine interleavings for waits that never end
//
// The analyzer reports nothing; its result lists the goroutines that can
// block forever, with the operation they wait on and a witness, for the
// passes to report.
package engine
