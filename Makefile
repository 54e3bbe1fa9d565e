# Makefile for hubctl. Run `make` or `make help` for the list of targets.

GO       ?= go
BIN      := bin
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse --verify -q HEAD 2>/dev/null || echo unknown)
DATE     ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
PKG      := github.com/hubctl/hubctl/internal/buildinfo
LDFLAGS  := -s -w -X $(PKG).version=$(VERSION) -X $(PKG).commit=$(COMMIT) -X $(PKG).date=$(DATE)

# Man pages carry the date of the last commit, so that two builds of one
# commit make the same pages.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
MANDIR   := build/man

# goreleaser is pinned; release-check installs it into GOPATH/bin if needed.
GORELEASER_VERSION := v2.17.0
GORELEASER := $(shell $(GO) env GOPATH)/bin/goreleaser

.DEFAULT_GOAL := help

.PHONY: fakehub help build test lint demo bench install clean completions man release-check

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build bin/hubctl
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/hubctl .

test: ## run go vet and every test with the race detector
	$(GO) vet ./...
	$(GO) test -race ./...

lint: ## check formatting, go vet and staticcheck
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

bench: build ## measure hubctl against curl and shell loops on the fake hub (about 4 minutes)
	@$(GO) run ./internal/bench -hubctl $(BIN)/hubctl

fakehub: ## build bin/fakehub, the fake Hub of the tests and the demo
	@$(GO) build -o $(BIN)/fakehub ./internal/fakehub/cmd/fakehub

demo: build fakehub ## wait for two tasks on the built-in fake hub (your state files untouched)
	@rm -f $(BIN)/.demo-url; \
	$(BIN)/fakehub -url-file $(BIN)/.demo-url >/dev/null & pid=$$!; \
	state=$$(mktemp -d); \
	trap 'kill $$pid 2>/dev/null; rm -rf $(BIN)/.demo-url "$$state"' EXIT INT TERM; \
	export XDG_STATE_HOME="$$state"; \
	for i in $$(seq 100); do [ -s $(BIN)/.demo-url ] && break; sleep 0.1; done; \
	[ -s $(BIN)/.demo-url ] || { echo "the fake hub did not start"; exit 1; }; \
	export HUBCTL_BASE_URL=$$(cat $(BIN)/.demo-url) HUBCTL_TOKEN=demo-token; \
	echo "fake hub at $$HUBCTL_BASE_URL"; \
	echo "$$ hubctl wait hub-demo-image-0001 hub-demo-video-0002"; \
	$(BIN)/hubctl wait hub-demo-image-0001 hub-demo-video-0002; status=$$?; \
	echo "exit status $$status (see: hubctl help exit-codes)"; \
	[ $$status -eq 0 ] || exit $$status; \
	if command -v jq >/dev/null; then \
		echo "$$ hubctl get hub-demo-image-0001 --json | jq ."; \
		$(BIN)/hubctl get hub-demo-image-0001 --json | jq .; \
	fi

completions: build ## regenerate completions/ from the built binary
	@for shell in bash zsh fish powershell; do \
		case $$shell in \
			bash) file=completions/hubctl.bash ;; \
			zsh) file=completions/_hubctl ;; \
			fish) file=completions/hubctl.fish ;; \
			powershell) file=completions/hubctl.ps1 ;; \
		esac; \
		$(BIN)/hubctl completion $$shell > $$file.tmp && mv $$file.tmp $$file || exit 1; \
		echo "wrote $$file"; \
	done

man: ## generate the man pages into build/man
	rm -rf $(MANDIR)
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(GO) run ./internal/mangen -dir $(MANDIR) -version $(VERSION)
	gzip -9 -n -k $(MANDIR)/*.1

release-check: ## check .goreleaser.yaml and build a snapshot release into dist/
	@if ! "$(GORELEASER)" --version 2>/dev/null | grep -q "$(GORELEASER_VERSION:v%=%)"; then \
		echo "installing goreleaser $(GORELEASER_VERSION) (a few minutes)"; \
		$(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION); \
	fi
	"$(GORELEASER)" check
	"$(GORELEASER)" release --snapshot --clean

install: ## install hubctl into GOBIN, or GOPATH/bin
	CGO_ENABLED=0 $(GO) install -trimpath -ldflags '$(LDFLAGS)' .

clean: ## remove build output
	rm -rf $(BIN) dist build
