# Everyday commands. The two that matter: `make run` and `make test`.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable

.PHONY: run build test test-postgres generate lint bench ci

run:            ## run the server on the embedded SQLite default
	go run ./cmd/threadline serve

build:
	go build -o bin/threadline ./cmd/threadline

test:           ## the whole suite (PostgreSQL and SDK parts skip without their tools)
	go test ./...

test-postgres:  ## the whole suite including the PostgreSQL backend
	THREADLINE_TEST_POSTGRES_URL='$(POSTGRES_URL)' go test -count=1 ./...

generate:       ## regenerate gqlgen code from internal/graph/schema/*.graphqls
	go tool gqlgen generate --config gqlgen.yml
	# @defer bookkeeping only for objects with deferred fields (internal/graph/generated/deferred.go)
	sed 's/deferred := graphql\.NewDeferredGroup(ctx)$$/deferred := newDeferredGroup(ctx, fields)/' \
		internal/graph/generated/generated.go > internal/graph/generated/generated.go.tmp
	mv internal/graph/generated/generated.go.tmp internal/graph/generated/generated.go

lint:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	go vet ./...

bench:
	go test -run '^$$' -bench . -benchtime 2s ./...

ci:
	bash .ci/run
