// Package directive exercises //goroutinelint:ignore.
package directive

import "net/http"

func silencedAbove() *http.Client {
	//goroutinelint:ignore clienttimeout long-poll client, each request carries a deadline
	return &http.Client{}
}

func silencedSameLine() *http.Client {
	return &http.Client{} //goroutinelint:ignore clienttimeout streaming client
}

func noReason() *http.Client {
	//goroutinelint:ignore clienttimeout // want `goroutinelint:ignore directive has no reason`
	return &http.Client{} // want `http.Client has no Timeout`
}

func unused() {
	//goroutinelint:ignore clienttimeout nothing here needs it // want `goroutinelint:ignore directive for clienttimeout silences nothing`
	_ = 1
}

func otherPass() *http.Client {
	//goroutinelint:ignore unguardedsend wrong pass named
	return &http.Client{} // want `http.Client has no Timeout`
}

func unknownPass() {
	//goroutinelint:ignore nosuchpass some reason // want `goroutinelint:ignore directive names unknown check nosuchpass`
	_ = 2
}

func noPass() {
	//goroutinelint:ignore // want `goroutinelint:ignore directive names no check`
	_ = 3
}

// A comment that merely mentions //goroutinelint:ignorefoo is not a directive.
