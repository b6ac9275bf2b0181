// Package testsetup holds a wait in a test that only a send of production
// code, stranded by the test's setup, keeps from ending: the test builds
// the feed without the reader production code starts. That rests on the
// test's doing, so it is not reported.
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
	f.items <- n
}
