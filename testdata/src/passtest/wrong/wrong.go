// Package wrong breaks each rule passtest checks, once.
package wrong

func bad() {}

func MarkedTwo() {} // no fact expected here

func calls() {
	bad() // want "call of good"
	bad()
	_ = 1 // want "nothing is reported here"
}
