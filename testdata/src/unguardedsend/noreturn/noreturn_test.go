package noreturn

import (
	"testing"
	"time"

	"unguardedsend/noreturn/testutil"
)

// TestSkip skips the test on the timeout path.
func TestSkip(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: the timeout path ends the test with t.Skip
	select {
	case <-resc:
	case <-time.After(time.Second):
		t.Skip("slow machine")
	}
}

// TestSkipNow skips through SkipNow.
func TestSkipNow(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: the timeout path ends the test with t.SkipNow
	select {
	case <-resc:
	case <-time.After(time.Second):
		t.SkipNow()
	}
}

// BenchmarkFatalf ends the benchmark on the timeout path.
func BenchmarkFatalf(b *testing.B) {
	for b.Loop() {
		resc := make(chan int)
		go func() { resc <- compute() }() // ok: the timeout path ends the benchmark with b.Fatalf
		select {
		case <-resc:
		case <-time.After(time.Second):
			b.Fatalf("no value after %v", time.Second)
		}
	}
}

// FuzzFailNow ends the fuzz target on the timeout path.
func FuzzFailNow(f *testing.F) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: the timeout path ends the fuzz target with f.FailNow
	select {
	case <-resc:
	case <-time.After(time.Second):
		f.FailNow()
	}
}

// TestHelperOtherPackage gives up through a helper of another package
// that fails the test on every path.
func TestHelperOtherPackage(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: testutil.Fail never returns
	select {
	case <-resc:
	case <-time.After(time.Second):
		testutil.Fail(t, "timed out")
	}
}

// TestSkipHelper skips through a helper of another package.
func TestSkipHelper(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: testutil.Skipf never returns
	select {
	case <-resc:
	case <-time.After(time.Second):
		testutil.Skipf(t, "no value after %v", time.Second)
	}
}

// TestGoexitHelper ends the test's goroutine through runtime.Goexit.
func TestGoexitHelper(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: testutil.Quit ends the goroutine
	select {
	case <-resc:
	case <-time.After(time.Second):
		testutil.Quit()
	}
}

// TestExitHelper ends the process.
func TestExitHelper(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: testutil.Exit ends the process
	select {
	case <-resc:
	case <-time.After(time.Second):
		testutil.Exit(2)
	}
}

// TestTestingT ends the test through an assertion library's interface.
func TestTestingT(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: testutil.Failf calls FailNow on every path
	select {
	case <-resc:
	case <-time.After(time.Second):
		testutil.Failf(t, "no value after %v", time.Second)
	}
}

// fatalHelper is a helper of this package that ends the test.
func fatalHelper(t *testing.T) {
	t.Helper()
	t.Fatal("timed out")
}

// TestLocalHelper gives up through a helper of this package.
func TestLocalHelper(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: fatalHelper never returns
	select {
	case <-resc:
	case <-time.After(time.Second):
		fatalHelper(t)
	}
}

// TB embeds testing.TB, as a suite's helper interface does.
type TB interface {
	testing.TB
	Name() string
}

// TestEmbeddedTB fails through an interface that embeds testing.TB.
func TestEmbeddedTB(t *testing.T) {
	var tb TB = t
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: tb.Fatal is testing.TB's
	select {
	case <-resc:
	case <-time.After(time.Second):
		tb.Fatal("timed out")
	}
}

// waitOrFail fails through a type parameter constrained by testing.TB.
func waitOrFail[T testing.TB](t T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: t.FailNow is testing.TB's, called through T
	select {
	case <-resc:
	case <-time.After(time.Second):
		t.FailNow()
	}
}

func TestGeneric(t *testing.T) { waitOrFail(t) }

// suite holds a *testing.T, as test suites do.
type suite struct{ *testing.T }

// TestEmbeddedT fails through a struct that embeds *testing.T.
func TestEmbeddedT(t *testing.T) {
	s := suite{t}
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: s.Fatalf is (*testing.T).Fatalf
	select {
	case <-resc:
	case <-time.After(time.Second):
		s.Fatalf("no value after %v", time.Second)
	}
}

// TestRequireLike checks an assertion that stops the test only when it
// fails, then returns: the helper returns when ok is true, and the
// sender is left blocked.
func TestRequireLike(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // want `send on resc may block forever: the receiver returns on a timeout without receiving`
	select {
	case <-resc:
	case <-time.After(time.Second):
		testutil.True(t, len(t.Name()) > 0)
	}
}

// TestAssertLike reports through an assertion that never stops the test.
func TestAssertLike(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // want `send on resc may block forever: the receiver returns on a timeout without receiving`
	select {
	case <-resc:
	case <-time.After(time.Second):
		testutil.Equal(t, 1, 2)
	}
}

// TestError marks the test failed and returns.
func TestError(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // want `send on resc may block forever: the receiver returns on a timeout without receiving`
	select {
	case <-resc:
	case <-time.After(time.Second):
		t.Error("timed out")
	}
}
