//go:build never

// Package tagonly has no file that any build includes.
package tagonly
