//go:build unix

// Package testlock lets the test binaries of several packages take turns at
// work they share (go vet runs whose results go vet caches), through a lock
// on a file.
package testlock

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// File takes an exclusive lock on the file name, creating it, and
// returns the function that releases it. The kernel releases it too when
// the process ends. After wait it returns without the lock.
func File(name string, wait time.Duration) (unlock func(), err error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(wait); ; time.Sleep(100 * time.Millisecond) {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			return func() {}, nil // no lock: the work is done twice, no more
		}
	}
}
