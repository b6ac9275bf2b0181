// Package integration holds the heavy end-to-end tests that build and run
// other tools with goroutinelint inside: a custom golangci-lint binary with
// the module plugin, and editors through a language server. They run only
// when GOROUTINELINT_HEAVY is set, as .ci/run does:
//
//	GOROUTINELINT_HEAVY=1 go test -timeout 60m ./integration/
package integration
