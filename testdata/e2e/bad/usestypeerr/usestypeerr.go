// Package usestypeerr is fine itself but imports a package that does not
// type-check.
package usestypeerr

import "example.com/bad/typeerr"

// X uses typeerr.
var X = typeerr.Bad()
