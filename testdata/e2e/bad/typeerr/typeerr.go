// Package typeerr does not type-check.
package typeerr

// Bad returns a string as an int.
func Bad() int { return "not an int" }
