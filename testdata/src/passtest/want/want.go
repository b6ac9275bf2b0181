// Package want meets every expectation of passtest's fake analyzer.
package want

func bad()  {}
func good() {}

func MarkedOne() {} // want MarkedOne:"marked"

func calls() {
	bad() // want "call of bad"
	good()
	// want +1 `call of bad`
	bad()
	/* want "call of bad" */ bad()
}
