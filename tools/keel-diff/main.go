// keel-diff driver: reads JSON-lines cases on stdin and prints, one line each,
// what real Keel decides. run.sh builds it inside a temporary copy of Keel's
// module (so it can reach internal/ and the shims); it is never part of the crate.
//
// Cases:
//   {"id":..,"kind":"policy","labels":{},"annotations":{},
//    "containers":[{"name":..,"image":..,"init":false}],"push":{"name":..,"tag":..}}
//     -> {"id":..,"decisions":[whether Keel updates each container],"updated":[their names]}
//   {"id":..,"kind":"native"|"registry","body":"raw bytes"}
//     -> {"id":..,"status":200|400,"events":[{"host","name","tag","digest","ref","ref_tag"}]}
//        ref/ref_tag: the repository and tag Keel matches workloads with
//        (image.Parse of the event's repository), "" when that does not parse.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/keel-hq/keel/internal/k8s"
	"github.com/keel-hq/keel/internal/policy"
	khttp "github.com/keel-hq/keel/pkg/http"
	"github.com/keel-hq/keel/provider/kubernetes"
	"github.com/keel-hq/keel/types"
	"github.com/keel-hq/keel/util/image"
	log "github.com/sirupsen/logrus"

	apps_v1 "k8s.io/api/apps/v1"
	core_v1 "k8s.io/api/core/v1"
	meta_v1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type container struct {
	Name  string `json:"name"`
	Image string `json:"image"`
	Init  bool   `json:"init"`
}

type inCase struct {
	ID          json.RawMessage   `json:"id"`
	Kind        string            `json:"kind"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	Containers  []container       `json:"containers"`
	Push        struct {
		Name string `json:"name"`
		Tag  string `json:"tag"`
	} `json:"push"`
	Body string `json:"body"`
}

type event struct {
	Host   string `json:"host"`
	Name   string `json:"name"`
	Tag    string `json:"tag"`
	Digest string `json:"digest"`
	Ref    string `json:"ref"`
	RefTag string `json:"ref_tag"`
}

// recorder is a provider.Providers that keeps what the handler submits.
type recorder struct{ events []types.Event }

func (r *recorder) Submit(e types.Event) error                    { r.events = append(r.events, e); return nil }
func (r *recorder) TrackedImages() ([]*types.TrackedImage, error) { return nil, nil }
func (r *recorder) List() []string                                { return nil }
func (r *recorder) Stop()                                         {}

func copyMeta(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// policyCase: Keel's createUpdatePlans loop for one workload, one container at a
// time (checkForUpdate treats containers independently), so each answer is per container.
func policyCase(c inCase) map[string]any {
	updated := []string{}
	decisions := []bool{}
	plc := policy.GetPolicyFromLabelsOrAnnotations(c.Labels, c.Annotations)
	if plc.Type() != types.PolicyTypeNone {
		for _, ct := range c.Containers {
			d := &apps_v1.Deployment{
				ObjectMeta: meta_v1.ObjectMeta{Name: "w", Namespace: "ns", Labels: copyMeta(c.Labels), Annotations: copyMeta(c.Annotations)},
			}
			kc := core_v1.Container{Name: ct.Name, Image: ct.Image}
			if ct.Init {
				d.Spec.Template.Spec.InitContainers = []core_v1.Container{kc}
			} else {
				d.Spec.Template.Spec.Containers = []core_v1.Container{kc}
			}
			r, err := k8s.NewGenericResource(d)
			if err != nil {
				panic(err)
			}
			repo := &types.Repository{Name: c.Push.Name, Tag: c.Push.Tag}
			ok, err := kubernetes.KeelDiffCheckForUpdate(plc, repo, r)
			if err == nil && ok {
				updated = append(updated, ct.Name)
			}
			decisions = append(decisions, err == nil && ok)
		}
	} else {
		decisions = make([]bool, len(c.Containers))
	}
	return map[string]any{"id": c.ID, "updated": updated, "decisions": decisions, "policy": plc.Name()}
}

func webhookCase(c inCase) map[string]any {
	rec := &recorder{}
	w := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(c.Body))
	if c.Kind == "native" {
		khttp.KeelDiffNative(rec, w, req)
	} else {
		khttp.KeelDiffRegistry(rec, w, req)
	}
	events := []event{}
	for _, e := range rec.events {
		ev := event{Host: e.Repository.Host, Name: e.Repository.Name, Tag: e.Repository.Tag, Digest: e.Repository.Digest}
		// What checkForUpdate matches workloads with.
		if ref, err := image.Parse(e.Repository.String()); err == nil {
			ev.Ref, ev.RefTag = ref.Repository(), ref.Tag()
		}
		events = append(events, ev)
	}
	return map[string]any{"id": c.ID, "status": w.Code, "events": events}
}

func main() {
	log.SetOutput(io.Discard)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var c inCase
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			fmt.Fprintf(os.Stderr, "bad case: %v\n", err)
			os.Exit(2)
		}
		var res map[string]any
		switch c.Kind {
		case "policy":
			res = policyCase(c)
		case "native", "registry":
			res = webhookCase(c)
		default:
			fmt.Fprintf(os.Stderr, "unknown kind %q\n", c.Kind)
			os.Exit(2)
		}
		if err := enc.Encode(res); err != nil {
			panic(err)
		}
	}
	if err := in.Err(); err != nil {
		panic(err)
	}
}
