// Package lint holds what every goroutinelint pass shares outside the SSA
// model: the //goroutinelint:ignore directive, the reporter that honors it
// and skips generated files, and the per-function panic guard.
//
// It lives inside the passes rather than in a driver so that suppression and
// crash containment behave the same under go vet, the standalone binary,
// golangci-lint and editors.
package lint
