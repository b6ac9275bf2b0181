package fix

import (
	"net/http"
	"time"
)

var keep = time.Second

func empty() *http.Client {
	return &http.Client{} // want `http.Client has no Timeout`
}

func withFields() *http.Client {
	return &http.Client{Transport: http.DefaultTransport} // want `http.Client has no Timeout`
}

func multiLine() *http.Client {
	return &http.Client{ // want `http.Client has no Timeout`
		Transport: http.DefaultTransport,
	}
}

func zero() *http.Client {
	return &http.Client{Timeout: 0} // want `http.Client Timeout is zero`
}
