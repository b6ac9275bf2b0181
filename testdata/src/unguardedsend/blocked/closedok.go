package blocked

import "context"

// consumeClosed returns only once rows is closed, which the producer does
// after its last send: no send is left pending.
func consumeClosed(ids []string) int {
	rows := make(chan string)
	go func() {
		defer close(rows)
		for _, id := range ids {
			rows <- id // ok: the consumer receives until rows is closed
		}
	}()
	n := 0
	for {
		row, ok := <-rows
		if !ok {
			return n
		}
		n += len(row)
	}
}

// consumeCtx also returns on ctx.Done: that return, not the one after
// rows is closed, strands the producer's send.
func consumeCtx(ctx context.Context, ids []string) int {
	rows := make(chan string)
	go func() {
		defer close(rows)
		for _, id := range ids {
			rows <- id // want `send on rows may block forever: consumeCtx can return without receiving from it`
		}
	}()
	n := 0
	for {
		select {
		case row, ok := <-rows:
			if !ok {
				return n
			}
			n += len(row)
		case <-ctx.Done():
			return n
		}
	}
}
