// Command etcd is the etcd server, built from the go.etcd.io/etcd/server/v3
// module at the version pinned in testenv/versions.env.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
