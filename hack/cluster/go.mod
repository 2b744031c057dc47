// hack/cluster: the one-node test cluster's helpers and the scenarios of make test-cluster,
// in their own module so the root module's go test never needs a cluster.
module github.com/devsecops-reference/taskboard/hack/cluster

go 1.26.0

require golang.org/x/sys v0.50.0
