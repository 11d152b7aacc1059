// Command json6902-oracle applies JSON 6902 patches with the library and
// version kustomize v5.5.0 uses (gopkg.in/evanphx/json-patch.v4 v4.12.0), the
// way kustomize's patchjson6902 filter calls it, so the Rust port in
// src/render/json6902.rs can be compared with the real thing. Development aid
// only: the Rust tests read the committed fixture it produced, never this
// program.
//
// stdin: one JSON object a line: {"name":..., "doc":{...}, "patch":[...]}
// stdout: the same objects with "expect" added: {"result": doc} or
// {"error": "..."}.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	k8syaml "sigs.k8s.io/yaml"
)

type testCase struct {
	Name   string          `json:"name"`
	Doc    json.RawMessage `json:"doc"`
	Patch  json.RawMessage `json:"patch"`
	Expect interface{}     `json:"expect"`
}

func run(c *testCase) (res interface{}) {
	defer func() {
		if r := recover(); r != nil {
			res = map[string]interface{}{"error": fmt.Sprint("panic: ", r)}
		}
	}()
	// kustomize reads a patch that does not start with '[' as YAML and turns
	// it into JSON (api/filters/patchjson6902.decodePatch); patches written
	// as YAML are what the Rust side models, so go through the same step.
	p, err := k8syaml.YAMLToJSON(append([]byte("ops: "), c.Patch...))
	if err != nil {
		return map[string]interface{}{"error": "patch: " + err.Error()}
	}
	var wrapped struct {
		Ops json.RawMessage `json:"ops"`
	}
	if err := json.Unmarshal(p, &wrapped); err != nil {
		return map[string]interface{}{"error": "patch: " + err.Error()}
	}
	patch, err := jsonpatch.DecodePatch(wrapped.Ops)
	if err != nil {
		return map[string]interface{}{"error": "decode: " + err.Error()}
	}
	// The resource side: kyaml's MarshalJSON of the node, i.e. compact JSON.
	doc, err := k8syaml.YAMLToJSON(c.Doc)
	if err != nil {
		return map[string]interface{}{"error": "doc: " + err.Error()}
	}
	out, err := patch.Apply(doc)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	var v interface{}
	if err := json.Unmarshal(out, &v); err != nil {
		return map[string]interface{}{"error": "result: " + err.Error()}
	}
	return map[string]interface{}{"result": v}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	enc := json.NewEncoder(os.Stdout)
	for in.Scan() {
		line := in.Bytes()
		if len(line) == 0 {
			continue
		}
		var c testCase
		if err := json.Unmarshal(line, &c); err != nil {
			fmt.Fprintln(os.Stderr, "bad input line:", err)
			os.Exit(2)
		}
		c.Expect = run(&c)
		if err := enc.Encode(&c); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
