// Package mid forwards to lib.
package mid

import "unguardedsend/facts/lib"

// Log reaches lib.Send through an unexported helper.
func Log(msg string) {
	forward("mid: " + msg)
}

func forward(msg string) {
	lib.Send(msg)
}

// LogCtx is the fixed form.
func LogCtx(done <-chan struct{}, msg string) {
	lib.SendCtx(done, msg)
}
