# kiln's two commands: `make demo` and `make test`. Both install what is missing first.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
RELEASE_DIR := build/release
TEST_DIR := build/test

.PHONY: all deps build demo test test-build bench fuzz format clean-build

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DKILN_BUILD_TESTS=OFF >/dev/null
	@ninja -C $(RELEASE_DIR) -j $(JOBS) kiln

demo: build
	@bash scripts/demo.sh $(RELEASE_DIR)/src/cli/kiln

# The test build runs under AddressSanitizer and UndefinedBehaviorSanitizer.
test-build: deps
	@cmake -S . -B $(TEST_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" \
	  -DKILN_SANITIZE=ON -DKILN_BUILD_TESTS=ON >/dev/null
	@ninja -C $(TEST_DIR) -j $(JOBS)

test: test-build
	@cd $(TEST_DIR) && ctest --output-on-failure -j $(JOBS)

bench: deps
	@cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DKILN_BUILD_TESTS=OFF -DKILN_BUILD_BENCH=ON >/dev/null
	@ninja -C build/bench -j $(JOBS)
	@bash bench/run.sh build/bench

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean-build:
	rm -rf build
