module example.com/upstreamlib

go 1.26.0
