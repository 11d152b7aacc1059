#!/usr/bin/env bash
# Records tests/it/fixtures/bump_action_cases.jsonl: generated git histories with the
# answers of github-tag-action's real entrypoint.sh, for the differential test in
# tests/it/bump/action.rs, then runs that test live against the same script.
#
# Usage: scripts/bump-action-cases.sh PATH/TO/github-tag-action/entrypoint.sh [SEED] [HISTORIES]
# Needs bash, git and npm's semver CLI on PATH (`npm install -g semver`, as the action's
# Dockerfile does). The script runs with DRY_RUN=true in temporary repositories, with HOME
# pointing to a temporary directory (it runs `git config --global`).
set -euo pipefail
cd "$(dirname "$0")/.."
entrypoint=$(realpath "${1:?usage: $0 ENTRYPOINT.sh [SEED] [HISTORIES]}")
command -v semver >/dev/null || {
  echo "npm's semver CLI is not on PATH: npm install -g semver" >&2
  exit 1
}
export GITHUB_TAG_ACTION_ENTRYPOINT=$entrypoint
export BUMP_ACTION_SEED=${2:-9} BUMP_ACTION_HISTORIES=${3:-150}
cargo test --test it bump::action::record_github_tag_action_cases -- --ignored --exact --nocapture
cargo test --test it bump::action:: -- --nocapture
