// Package missingimport imports a package that does not exist.
package missingimport

import "example.com/bad/nothere"

// X uses it.
var X = nothere.X
