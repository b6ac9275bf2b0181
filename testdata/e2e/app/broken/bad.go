//go:build broken

package broken

// Bad does not type-check.
var Bad int = "not an int"
