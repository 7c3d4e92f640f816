module example.com/mydriver

go 1.26.0

require (
	github.com/leanovate/gopter v0.2.11
	github.com/ndissim/ndissim v0.0.0
)

require github.com/looplab/fsm v1.0.3 // indirect

replace github.com/ndissim/ndissim => ../..
