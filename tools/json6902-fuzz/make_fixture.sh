#!/bin/sh
# Regenerates tests/it/fixtures/json6902_v4.jsonl: random documents and JSON
# 6902 patches with the result gopkg.in/evanphx/json-patch.v4 v4.12.0 gives
# (tools/json6902-oracle), read by tests/it/json6902_v4.rs. Larger ad-hoc
# runs: `python3 tools/json6902-fuzz/gen.py 100000 7 | /tmp/json6902-oracle >
# /tmp/big.jsonl` and point JSON6902_V4_CASES at it.
set -eu
cd "$(dirname "$0")/../.."
(cd tools/json6902-oracle && go build -o /tmp/json6902-oracle .)
python3 tools/json6902-fuzz/gen.py 1500 6902 | /tmp/json6902-oracle | python3 -c '
import json, sys
for line in sys.stdin:
    print(json.dumps(json.loads(line), separators=(",", ":"), sort_keys=True))
' > tests/it/fixtures/json6902_v4.jsonl
wc -c tests/it/fixtures/json6902_v4.jsonl
