#!/bin/sh
# Regenerates tests/fixtures/smp_kyaml.jsonl: random resource/patch pairs with
# kyaml's own result (tools/smp-oracle), used by tests/smp_kyaml_fixture.rs.
# Larger ad-hoc runs: generate more cases the same way into another file and
# point SMP_KYAML_CASES at it.
set -eu
cd "$(dirname "$0")/../.."
(cd tools/smp-oracle && go build -o /tmp/smp-oracle .)
{
  python3 tools/smp-fuzz/gen.py 250 1001
  python3 tools/smp-fuzz/chaos.py 250 1002
} | /tmp/smp-oracle | python3 -c '
import json, sys
for line in sys.stdin:
    case = json.loads(line)
    case["expect"].pop("yaml", None)
    print(json.dumps(case, separators=(",", ":"), sort_keys=True))
' > tests/fixtures/smp_kyaml.jsonl
wc -c tests/fixtures/smp_kyaml.jsonl
