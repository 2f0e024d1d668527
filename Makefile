# Makefile: the two commands of the README. `make run` installs what is missing, builds and serves Kalem;
# `make test` runs every test layer (unit, HTTP on SQLite and PostgreSQL, browser, fuzz, ASan/UBSan).
BUILD      ?= build
ASAN_BUILD ?= build-asan
VAR        ?= var
# The test PostgreSQL: its data under /tmp (the postgres user must reach it, whatever the clone's parents allow)
# and a port below the kernel's ephemeral range (32768-60999), so no client connection can be holding it.
PG_DIR     ?= /tmp/kalem-test-pg-$(shell printf %s '$(CURDIR)' | md5sum | cut -c1-8)
PG_PORT    ?= 25432
JOBS       ?= $(shell nproc)

.PHONY: all build run deps test test-fast test-asan pg-start pg-stop bench clean

all: build

deps:
	@scripts/deps.sh

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: deps build
	@scripts/first-run.sh $(BUILD)/kalem $(VAR)
	@$(BUILD)/kalem serve

pg-start:
	@for i in 1 2 3; do scripts/pg-test-server.sh start $(PG_DIR) $(PG_PORT) >/dev/null && exit 0; sleep 3; done; exit 1

pg-stop:
	@scripts/pg-test-server.sh stop $(PG_DIR) >/dev/null 2>&1 || true

# The main build: unit, HTTP (SQLite and PostgreSQL) and browser tests.
test-fast: build pg-start
	@KALEM_TEST_PG_URL=$$(scripts/pg-test-server.sh url $(PG_DIR) $(PG_PORT)) \
	  ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) ; rc=$$?; \
	  $(MAKE) --no-print-directory pg-stop; exit $$rc

# The sanitizer build (clang, ASan+UBSan): unit and HTTP tests on SQLite, and the fuzz targets.
test-asan:
	@CC=clang cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DKALEM_SANITIZE=ON -DKALEM_FUZZ=ON \
	  -DKALEM_BROWSER_TESTS=OFF -DKALEM_PG_TESTS=OFF -DKALEM_BENCH=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

test: deps
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory test-fast

bench: build
	@bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
