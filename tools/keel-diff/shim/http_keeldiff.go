// Copied by run.sh into a temporary copy of Keel's pkg/http package:
// runs Keel's native and registry webhook handlers with a provider that records events.
package http

import (
	"net/http"

	"github.com/keel-hq/keel/provider"
)

// KeelDiffNative is the /v1/webhooks/native handler.
func KeelDiffNative(p provider.Providers, w http.ResponseWriter, r *http.Request) {
	(&TriggerServer{providers: p}).nativeHandler(w, r)
}

// KeelDiffRegistry is the /v1/webhooks/registry handler.
func KeelDiffRegistry(p provider.Providers, w http.ResponseWriter, r *http.Request) {
	(&TriggerServer{providers: p}).registryNotificationHandler(w, r)
}
