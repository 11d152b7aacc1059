// Copied by run.sh into a temporary copy of Keel's provider/kubernetes package:
// exposes Keel's unexported per-resource update decision to the driver.
package kubernetes

import (
	"github.com/keel-hq/keel/internal/k8s"
	"github.com/keel-hq/keel/internal/policy"
	"github.com/keel-hq/keel/types"
)

// KeelDiffCheckForUpdate is checkForUpdate: whether Keel updates the resource for the pushed repository.
func KeelDiffCheckForUpdate(plc policy.Policy, repo *types.Repository, r *k8s.GenericResource) (bool, error) {
	_, ok, err := checkForUpdate(plc, repo, r)
	return ok, err
}
