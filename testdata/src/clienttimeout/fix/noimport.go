package fix

import (
	"net/http"
)

func valueLit() {
	c := http.Client{} // want `http.Client has no Timeout`
	c.Get("http://example.com")
}
