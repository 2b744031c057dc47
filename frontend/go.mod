// This file only keeps frontend/ out of the root Go module: npm packages under
// node_modules ship Go sources that `go vet ./...` and `go mod tidy` would otherwise pick up.
module github.com/devsecops-reference/taskboard/frontend

go 1.26.0
