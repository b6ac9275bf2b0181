// Package broken type-checks only without the broken build tag.
package broken

// OK is fine.
const OK = 1
