// Command etcd is etcd's own server entry point (etcdmain.Main), built from the module proxy:
// the go.etcd.io/etcd/v3 module that holds etcd's main package is not needed for it.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
