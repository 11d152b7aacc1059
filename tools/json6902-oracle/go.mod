module kubectl-release/tools/json6902-oracle

go 1.22.7

require (
	gopkg.in/evanphx/json-patch.v4 v4.12.0
	sigs.k8s.io/yaml v1.4.0
)

require github.com/pkg/errors v0.9.1 // indirect
