// Package fixfanout holds fan-outs whose receiver returns on the first
// error: a buffer of one slot per goroutine fixes them.
package fixfanout

func process(s string) error { return nil }

func work(i int) error { return nil }

// firstError returns on the first error while other senders are pending.
func firstError(items []string) error {
	errc := make(chan error)
	for _, it := range items {
		go func() { errc <- process(it) }() // want `send on errc may block forever: the receiver can return before receiving from every sender`
	}
	for range items {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// countTo ranges over an integer.
func countTo(n int) error {
	errc := make(chan error)
	for i := range n {
		go func() { errc <- work(i) }() // want `send on errc may block forever`
	}
	for range n {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

type batch struct{ jobs []string }

// counted uses a three-clause loop over a field's length.
func (b *batch) counted() error {
	errc := make(chan error)
	for i := 0; i < len(b.jobs); i++ {
		go func() { errc <- process(b.jobs[i]) }() // want `send on errc may block forever`
	}
	for range b.jobs {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}
