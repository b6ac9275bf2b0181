// Package testsetup holds a send in production code that a test strands by
// its setup: the test builds the feed without the reader production code
// starts, so the engine finds the send stuck in the test's scope. That is
// the test's doing, not the feed's, and the finding would blame the feed:
// stuck goroutines of a test are reported only in test files.
package testsetup

// Feed hands items to whoever reads Items.
type Feed struct {
	items chan int
}

// NewFeed returns a feed whose items a caller must read.
func NewFeed() *Feed { return &Feed{items: make(chan int)} }

// Items returns the channel to read.
func (f *Feed) Items() <-chan int { return f.items }

// produce sends the next item.
func (f *Feed) produce(n int) {
	f.items <- n // ok: stranded only by the test's setup, which has no reader
}
