//go:build unix

package testlock_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/goroutinelint/goroutinelint/internal/testlock"
)

// TestFile checks that a held lock makes the next taker wait until its
// deadline, and that a released one is taken at once.
func TestFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "lock")
	unlock, err := testlock.File(name, 0)
	if err != nil {
		t.Fatal(err)
	}
	const wait = 300 * time.Millisecond
	start := time.Now()
	if _, err := testlock.File(name, wait); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < wait {
		t.Errorf("took a held lock after %v, want a wait of %v", waited, wait)
	}
	unlock()
	again, err := testlock.File(name, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	again()
}
