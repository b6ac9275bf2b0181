// Package testutil holds test helpers of another package: whether they
// return reaches their callers as facts.
package testutil

import (
	"os"
	"runtime"
	"testing"
)

// Fail ends the test on every path: a call of it does not return.
func Fail(tb testing.TB, msg string) {
	tb.Helper()
	tb.Fatal(msg)
}

// Skipf skips the test on every path.
func Skipf(t *testing.T, format string, args ...any) {
	t.Skipf(format, args...)
}

// Quit ends the calling goroutine.
func Quit() {
	runtime.Goexit()
}

// Exit ends the process.
func Exit(code int) {
	os.Exit(code)
}

// True stops the test only when ok is false, like an assertion library's
// require: a call of it may return, so it is an ordinary call.
func True(t *testing.T, ok bool) {
	t.Helper()
	if !ok {
		t.FailNow()
	}
}

// TestingT is an assertion library's view of a test, satisfied by
// *testing.T.
type TestingT interface {
	Errorf(format string, args ...any)
	FailNow()
}

// Failf reports a failure and ends the test through TestingT.
func Failf(t TestingT, format string, args ...any) {
	t.Errorf(format, args...)
	t.FailNow()
}

// Equal reports a failure through TestingT and returns either way, like an
// assertion library's assert: an ordinary call.
func Equal(t TestingT, a, b int) bool {
	if a != b {
		t.Errorf("%d != %d", a, b)
		return false
	}
	return true
}
