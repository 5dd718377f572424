# The README's commands. Each target installs what is missing first, so a fresh
# Debian 12 machine needs nothing but `make`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
CTEST_JOBS ?= 2

.PHONY: all deps build test demo bench bench-reload bench-tls bench-waf fuzz format clean install deb

all: build

deps:
	bash scripts/install-deps.sh

# Configure only once: re-running cmake on every `make` would redo the checks
# for nothing; `cmake --build` re-configures by itself when a CMakeLists changes.
build: deps
	if [ ! -f $(BUILD_DIR)/build.ninja ]; then \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); \
	fi
	cmake --build $(BUILD_DIR)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(CTEST_JOBS)

demo: build
	bash scripts/demo.sh

bench: deps
	bash bench/run.sh

bench-reload: deps
	bash bench/reload_under_load.sh

bench-tls: deps
	bash bench/tls.sh

bench-waf: deps
	bash bench/waf_cost.sh

fuzz: deps
	bash scripts/fuzz.sh

# `make install [PREFIX=/usr/local] [DESTDIR=...]`: the binary, its man page, the
# systemd unit and an example /etc/centinela/centinela.yaml (never overwritten).
PREFIX ?= /usr/local
install: deps
	bash scripts/build-release.sh centinela
	cmake --install build-release --prefix $(PREFIX)

# The Debian package: build-release/centinela_VERSION_ARCH.deb (scripts/try-deb.sh
# installs it into a throw-away root and starts it).
deb: deps
	bash scripts/build-release.sh centinela
	cd build-release && cpack -G DEB

format:
	command -v clang-format >/dev/null || { echo "clang-format missing: apt-get install clang-format" >&2; exit 1; }
	find src tests -name '*.cpp' -o -name '*.h' | xargs -r clang-format -i

clean:
	rm -rf $(BUILD_DIR) build-release build-pgo-gen build-fuzz bench/out
