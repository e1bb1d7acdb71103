# The two commands that set up a fresh machine are `make demo` and `make test`.
SWIFT ?= swift
BIN = .build/debug/ci-runner
RELEASE_BIN = .build/release/ci-runner

.PHONY: setup build demo services-stop test lint fuzz bench release clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build --product ci-runner

release: setup
	$(SWIFT) build -c release --product ci-runner

# The main job on the bundled example: its whole CI/CD workflow (checkout, setup-python, pip
# install, train, unittest, docker build, docker push to the local registry), with the local
# services it needs (dockerd, a base image made with mmdebstrap, a registry on 127.0.0.1:5000).
demo: build
	@bash scripts/services.sh start
	$(BIN) run examples/mlops-app --secret-file .build/services/registry.env

# Stops the services `make demo` started.
services-stop:
	@bash scripts/services.sh stop

lint:
	$(SWIFT) format lint --strict -r Sources Tests Fuzz Package.swift

# Every test: formatting, a build with no warnings in our code, then the test suites.
test: setup lint
	@bash scripts/build-no-warnings.sh
	$(SWIFT) test

# libFuzzer targets: `make fuzz SECONDS=600` (see docs/fuzzing.md).
SECONDS ?= 60
fuzz: setup
	@bash scripts/fuzz.sh $(SECONDS)

bench: setup
	@bash bench/run.sh

clean:
	rm -rf .build .build-fuzz
