// Command smp-oracle runs kyaml's own strategic merge (the code kustomize
// v5.5.0 calls through api/filters/patchstrategicmerge) on test inputs, so
// the Rust port can be compared with the real thing. Development aid only:
// the Rust tests read the committed fixture it produced, never this program.
//
// stdin: one JSON object a line: {"name":..., "resource":{...}, "patch":{...}}
// (or "resource_yaml"/"patch_yaml" strings instead of the JSON documents)
// stdout: the same objects with "expect" added: the merged resource, or
// {"deleted":true}, or {"error":"..."}.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge2"
)

type testCase struct {
	Name     string          `json:"name"`
	Cite     string          `json:"cite,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
	Patch    json.RawMessage `json:"patch,omitempty"`
	// Alternatively the documents as YAML text, parsed as kustomize would.
	ResourceYAML string      `json:"resource_yaml,omitempty"`
	PatchYAML    string      `json:"patch_yaml,omitempty"`
	Expect       interface{} `json:"expect"`
}

func run(c *testCase) (res interface{}) {
	defer func() {
		if r := recover(); r != nil {
			res = map[string]interface{}{"error": fmt.Sprint("panic: ", r)}
		}
	}()
	dest, err := load(c.Resource, c.ResourceYAML)
	if err != nil {
		return map[string]interface{}{"error": "parse resource: " + err.Error()}
	}
	patch, err := load(c.Patch, c.PatchYAML)
	if err != nil {
		return map[string]interface{}{"error": "parse patch: " + err.Error()}
	}
	out, err := merge2.Merge(patch, dest, yaml.MergeOptions{
		ListIncreaseDirection: yaml.MergeOptionsListPrepend,
	})
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	if out == nil {
		return map[string]interface{}{"deleted": true}
	}
	s, err := out.String()
	if err != nil {
		return map[string]interface{}{"error": "print: " + err.Error()}
	}
	var v interface{}
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		return map[string]interface{}{"error": "reparse: " + err.Error()}
	}
	return map[string]interface{}{"result": v, "yaml": s}
}

func load(raw json.RawMessage, text string) (*yaml.RNode, error) {
	if text != "" {
		return yaml.Parse(text)
	}
	return fromJSON(raw)
}

// fromJSON turns a JSON document into the node kustomize would have read
// from a YAML file written the usual way: block style, strings quoted only
// when plain text would read as something else (yaml.v3's own choice). The
// node styles matter: kyaml keeps an existing scalar's style when it
// overwrites the value.
func fromJSON(raw json.RawMessage) (*yaml.RNode, error) {
	var v interface{}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		return nil, err
	}
	return yaml.Parse(string(b))
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
			os.Exit(1)
		}
		c.Expect = run(&c)
		if err := enc.Encode(&c); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
