// Package leaky holds code an editor shows findings on.
package leaky

import "fmt"

// Report prints a name with the wrong verb: gopls's printf check reports it.
func Report(name string) {
	fmt.Printf("%d items\n", name)
}

// First abandons its goroutine when done is closed first: goroutinelint
// reports the send and offers a buffer of 1 as a quick fix.
func First(done <-chan struct{}, work func() error) error {
	errc := make(chan error)
	go func() {
		errc <- work()
	}()
	select {
	case err := <-errc:
		return err
	case <-done:
		return nil
	}
}
