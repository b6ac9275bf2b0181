// Package recursion has goroutine bodies that call each other.
package recursion

// Ping and Pong start each other forever through a channel.
func Ping(ch chan int, n int) {
	if n == 0 {
		return
	}
	go Pong(ch, n-1)
	ch <- n
}

// Pong is Ping's partner.
func Pong(ch chan int, n int) {
	v := <-ch
	go Ping(ch, v-1)
	Pong(ch, n)
}

// Self recurses and spawns itself.
func Self(ch chan int) {
	go Self(ch)
	Self(ch)
}
