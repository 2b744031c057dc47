// Pins the converters of the test reports: gotestsum (Go tests to JUnit) and gocover-cobertura
// (Go coverage to Cobertura). scripts/tool-gotestsum.sh and scripts/tool-gocover-cobertura.sh
// build them for make test, the module's test stages for validate-reports; go.sum verifies
// every download, so an offline GOPROXY without the checksum database suffices.
module github.com/devsecops-reference/taskboard/tools/testreports

go 1.26.1

tool (
	github.com/boumenot/gocover-cobertura
	gotest.tools/gotestsum
)

require (
	github.com/bitfield/gotestdox v0.2.2 // indirect
	github.com/boumenot/gocover-cobertura v1.5.0 // indirect
	github.com/dnephin/pflag v1.0.7 // indirect
	github.com/fatih/color v1.18.0 // indirect
	github.com/fsnotify/fsnotify v1.9.0 // indirect
	github.com/google/shlex v0.0.0-20191202100458-e7afc7fbc510 // indirect
	github.com/mattn/go-colorable v0.1.13 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	golang.org/x/mod v0.35.0 // indirect
	golang.org/x/sync v0.20.0 // indirect
	golang.org/x/sys v0.43.0 // indirect
	golang.org/x/term v0.35.0 // indirect
	golang.org/x/text v0.17.0 // indirect
	golang.org/x/tools v0.44.0 // indirect
	gotest.tools/gotestsum v1.13.0 // indirect
)
