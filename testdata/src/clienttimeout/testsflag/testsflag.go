// Package testsflag is linted with -clienttimeout.tests.
package testsflag
