# Carrel. `make test` is the whole test suite (it installs what it needs);
# `make run` starts Carrel on its embedded defaults.
.PHONY: run build test bench

run:
	go run ./cmd/carrel serve

build:
	go build -o carrel ./cmd/carrel

test:
	bash scripts/test.sh

bench:
	bash scripts/bench.sh
