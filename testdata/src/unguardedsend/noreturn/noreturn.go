// Package noreturn holds tests whose paths end in calls that do not
// return: t.Fatal and its kin on testing.T, B, F and TB, and helpers of
// any package that call them on every path.
package noreturn

func compute() int { return 42 }
