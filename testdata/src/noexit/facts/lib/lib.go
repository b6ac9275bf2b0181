// Package lib holds loops that other packages start.
package lib

import (
	"log"
	"time"
)

func poll() {}

// Serve polls forever.
func Serve() {
	for {
		time.Sleep(time.Second)
		poll()
	}
}

// Run returns on the first error.
func Run(step func() error) error {
	for {
		if err := step(); err != nil {
			return err
		}
	}
}

// Fatal ends the process when polling fails.
func Fatal(ok func() bool) {
	for {
		if !ok() {
			log.Fatal("poll failed")
		}
	}
}

// Deeper reaches Serve.
func Deeper() { Serve() }
