// Package fortests exists for tests (it imports testing): it is not
// analysed by default, so it has no facts and what it does to a client is
// unknown.
package fortests

import (
	"net/http"
	"testing"
)

// Configure does nothing to the client, but callers cannot know that.
func Configure(c *http.Client) {}

// Check is what the package is for.
func Check(tb testing.TB, err error) {
	if err != nil {
		tb.Fatal(err)
	}
}
