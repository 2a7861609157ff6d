# ECRN — the two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
DB ?= var/ecrn.db
LISTEN ?= 127.0.0.1:8443
DEBUG_DIR := build/debug
RELEASE_DIR := build/release
export CCACHE_DIR ?= $(CURDIR)/build/.ccache

.PHONY: all deps build-debug build-release web run test bench fmt lint fuzz clean

all: build-release

deps:
	@scripts/install-deps

build-debug: deps
	@cmake -S . -B $(DEBUG_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DECRN_SANITIZE=ON >/dev/null
	@cmake --build $(DEBUG_DIR) -j $(JOBS)

build-release: deps
	@cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DECRN_BENCH=ON >/dev/null
	@cmake --build $(RELEASE_DIR) -j $(JOBS)

# The web front end: npm ci when package-lock.json changed, then vite build
# into web/dist when a source changed (scripts/web).
web: deps
	@scripts/web build

# Builds Release and the web front end, creates the database on first run,
# seeds the fictional demo network into it (idempotent; prints the demo
# logins), and serves both.
run: build-release web
	@mkdir -p $(dir $(DB))
	@$(RELEASE_DIR)/ecrn db migrate --db $(DB) >/dev/null
	@$(RELEASE_DIR)/ecrn demo seed --db $(DB)
	@echo "ECRN is starting: open http://$(LISTEN)/ (database $(DB)); Ctrl-C stops it."
	@exec $(RELEASE_DIR)/ecrn serve --db $(DB) --listen $(LISTEN) --web-root web/dist

# Builds Debug with ASan+UBSan and runs every test (PostgreSQL ones included,
# against a throwaway cluster the harness starts and stops; the web front
# end's Vitest and Chromium tests are ctest tests too: web_build, web_unit,
# web_e2e). The Release build (warnings are errors there too) is compiled
# as well, so code that only breaks with NDEBUG or -O2 cannot land.
test: build-debug build-release
	@cd $(DEBUG_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 600

bench: build-release
	@scripts/bench-ingest $(RELEASE_DIR)
	@scripts/bench-server taxii $(RELEASE_DIR)
	@scripts/bench-server incidents $(RELEASE_DIR)
	@$(RELEASE_DIR)/bench/ecrn_bench_pattern
	@scripts/bench-scan $(RELEASE_DIR)

fmt:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i
	@scripts/web install && cd web && npm run --silent fmt >/dev/null

lint: build-debug
	@git ls-files 'src/*.cpp' | xargs clang-tidy -p $(DEBUG_DIR) --quiet --extra-arg=-Wno-unknown-warning-option

fuzz: deps
	@CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF -DECRN_FUZZ=ON >/dev/null
	@cmake --build build/fuzz -j $(JOBS)

clean:
	rm -rf build
