
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-release' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-release'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-release' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render an environment''s overlay (or a kustomization directory) to stdout, like `kustomize build`')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Diff an environment against the live cluster (server-side dry-run), or two environments')
            [CompletionResult]::new('bump', 'bump', [CompletionResultType]::ParameterValue, 'Compute the next semver tag from commit messages (github-tag-action compatible) and create it')
            [CompletionResult]::new('set-image', 'set-image', [CompletionResultType]::ParameterValue, 'Set an image of an environment in its overlay (as a guarded RFC 6902 patch), optionally commit and push')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Release an image to live workloads: guarded JSON patch, watch behind health gates, undo on failure')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Rollout and gate state of an environment''s workloads (or one workload); -w waits')
            [CompletionResult]::new('undo', 'undo', [CompletionResultType]::ParameterValue, 'Undo the latest (or a given) release of an environment''s workloads, behind the same gates')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Release records, newest first')
            [CompletionResult]::new('cmp', 'cmp', [CompletionResultType]::ParameterValue, 'Argo CD config-management plugin: the commands its sidecar runs (see `cmp plugin`)')
            [CompletionResult]::new('webhook', 'webhook', [CompletionResultType]::ParameterValue, 'Serve Keel-compatible webhooks: a pushed image is pinned to its digest and released behind the gates')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version, git commit and build target (`-o json` for JSON)')
            [CompletionResult]::new('__man', '__man', [CompletionResultType]::ParameterValue, 'Write the man pages (kubectl-release.1 and one per command) into DIR; scripts/dist.sh ships them')
            [CompletionResult]::new('__complete', '__complete', [CompletionResultType]::ParameterValue, 'Completion protocol for `kubectl release <TAB>` (kubectl runs `kubectl_complete-release`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-release;render' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Render the kustomization in this directory instead of an environment')
            [CompletionResult]::new('--kustomize', '--kustomize', [CompletionResultType]::ParameterName, 'Render the kustomization in this directory instead of an environment')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Which renderer to use: the built-in one, or an installed kustomize (or kubectl kustomize) for features the built-in one refuses')
            [CompletionResult]::new('--load-restrictor', '--load-restrictor', [CompletionResultType]::ParameterName, 'As kustomize''s flag: LoadRestrictionsRootOnly (the default) refuses files outside a kustomization''s directory; LoadRestrictionsNone allows them')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;diff' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Diff the kustomization in this directory against the live cluster (deletions are not computed)')
            [CompletionResult]::new('--kustomize', '--kustomize', [CompletionResultType]::ParameterName, 'Diff the kustomization in this directory against the live cluster (deletions are not computed)')
            [CompletionResult]::new('--field-manager', '--field-manager', [CompletionResultType]::ParameterName, 'Field manager of the server-side apply dry-run; use your GitOps tool''s to see fields it would remove')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many requests to the API server run at once')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('--show-unchanged', '--show-unchanged', [CompletionResultType]::ParameterName, 'List unchanged objects in the table too')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;bump' {
            [CompletionResult]::new('--default-bump', '--default-bump', [CompletionResultType]::ParameterName, 'Bump used when no token is found: major, minor, patch or none')
            [CompletionResult]::new('--tag-prefix', '--tag-prefix', [CompletionResultType]::ParameterName, 'Prefix of version tags, e.g. `v`')
            [CompletionResult]::new('--with-v', '--with-v', [CompletionResultType]::ParameterName, 'Deprecated spelling of `--tag-prefix v`')
            [CompletionResult]::new('--release-branches', '--release-branches', [CompletionResultType]::ParameterName, 'Comma list of release branches; an entry with regex characters is a regex')
            [CompletionResult]::new('--initial-version', '--initial-version', [CompletionResultType]::ParameterName, 'Version used when no tag exists yet')
            [CompletionResult]::new('--tag-context', '--tag-context', [CompletionResultType]::ParameterName, '`repo`: the highest version tag anywhere; `branch`: the newest one reachable from HEAD')
            [CompletionResult]::new('--prerelease', '--prerelease', [CompletionResultType]::ParameterName, 'On non-release branches, make `X.Y.Z-<suffix>.N` prereleases')
            [CompletionResult]::new('--prerelease-suffix', '--prerelease-suffix', [CompletionResultType]::ParameterName, 'prerelease-suffix')
            [CompletionResult]::new('--branch-history', '--branch-history', [CompletionResultType]::ParameterName, 'Which messages count: `compare` (since the last tag), `last` (HEAD only), `full` (since the default branch)')
            [CompletionResult]::new('--default-branch', '--default-branch', [CompletionResultType]::ParameterName, 'The default branch for `--branch-history full` (default: `GITHUB_BASE_REF`, else the remote-tracking `master` or `main`)')
            [CompletionResult]::new('--major-string-token', '--major-string-token', [CompletionResultType]::ParameterName, 'major-string-token')
            [CompletionResult]::new('--minor-string-token', '--minor-string-token', [CompletionResultType]::ParameterName, 'minor-string-token')
            [CompletionResult]::new('--patch-string-token', '--patch-string-token', [CompletionResultType]::ParameterName, 'patch-string-token')
            [CompletionResult]::new('--none-string-token', '--none-string-token', [CompletionResultType]::ParameterName, 'none-string-token')
            [CompletionResult]::new('--force-without-changes', '--force-without-changes', [CompletionResultType]::ParameterName, 'Bump even when HEAD already carries the latest tag')
            [CompletionResult]::new('--custom-tag', '--custom-tag', [CompletionResultType]::ParameterName, 'Use this tag instead of the computed one')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Compute and print; create no tag')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Work in this directory (relative to the current one), like the action''s SOURCE')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Make an annotated tag with this message (default: a lightweight tag)')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Make an annotated tag with this message (default: a lightweight tag)')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'remote')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('--push', '--push', [CompletionResultType]::ParameterName, 'Push the new tag to `--remote`')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;set-image' {
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Policy for --resolve instead of the configured one (a semver range, major|minor|patch|all, or `track: TAG`)')
            [CompletionResult]::new('--insecure-registry', '--insecure-registry', [CompletionResultType]::ParameterName, 'Reach this registry host over plain HTTP (repeatable); TLS is verified everywhere else')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Pick the tag from the registry by the environment''s policy for this image')
            [CompletionResult]::new('--commit', '--commit', [CompletionResultType]::ParameterName, 'Commit the change with the environment''s commit message template')
            [CompletionResult]::new('--push', '--push', [CompletionResultType]::ParameterName, 'Push the commit (implies --commit); a non-fast-forward is rebased and retried, never forced')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the patch and the file diff; write nothing')
            [CompletionResult]::new('--allow-dirty', '--allow-dirty', [CompletionResultType]::ParameterName, 'Edit even when the working tree has uncommitted changes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;deploy' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Take the workloads from this kustomization directory instead')
            [CompletionResult]::new('--kustomize', '--kustomize', [CompletionResultType]::ParameterName, 'Take the workloads from this kustomization directory instead')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'The image to release: REPO:TAG or REPO@sha256:...; with --resolve just REPO')
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'How the image reaches the workloads: `live` (a guarded JSON patch) or `argocd` (a commit Argo CD syncs now; a failure is reverted in git). Default: argocd when the environment names an Argo CD Application (`argocd:` in kubectl-release.yaml), else live')
            [CompletionResult]::new('--argocd-app', '--argocd-app', [CompletionResultType]::ParameterName, 'The Argo CD Application that syncs the environment (else the environment''s `argocd.application`)')
            [CompletionResult]::new('--argocd-namespace', '--argocd-namespace', [CompletionResultType]::ParameterName, 'The namespace of that Application (else the environment''s `argocd.namespace`, else argocd)')
            [CompletionResult]::new('--sync-timeout', '--sync-timeout', [CompletionResultType]::ParameterName, 'With --via argocd: how long Argo CD may take to sync a pushed commit')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up (and undo) when the release is not healthy within this long (e.g. 5m)')
            [CompletionResult]::new('--soak', '--soak', [CompletionResultType]::ParameterName, 'Keep watching this long after the rollout completes')
            [CompletionResult]::new('--readiness-timeout', '--readiness-timeout', [CompletionResultType]::ParameterName, 'A new pod must be Ready within this long')
            [CompletionResult]::new('--max-restarts', '--max-restarts', [CompletionResultType]::ParameterName, 'More restarts than this in a new container fail the release')
            [CompletionResult]::new('--insecure-registry', '--insecure-registry', [CompletionResultType]::ParameterName, 'Reach this registry host over plain HTTP (repeatable)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Pick the tag from the registry by the environment''s policy')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and the patches; change nothing')
            [CompletionResult]::new('--no-undo', '--no-undo', [CompletionResultType]::ParameterName, 'When a gate fails, report only; do not undo')
            [CompletionResult]::new('--undo-on-interrupt', '--undo-on-interrupt', [CompletionResultType]::ParameterName, 'On Ctrl-C, undo instead of leaving the release in place')
            [CompletionResult]::new('--write-back', '--write-back', [CompletionResultType]::ParameterName, 'First write the image back to the environment''s overlay and commit it (as `set-image --commit`); when the release is undone, revert that commit too, so the GitOps controller does not re-apply it')
            [CompletionResult]::new('--push', '--push', [CompletionResultType]::ParameterName, 'With --write-back: push the commit (and the revert)')
            [CompletionResult]::new('--allow-dirty', '--allow-dirty', [CompletionResultType]::ParameterName, 'With --write-back or --via argocd: edit even when the working tree has uncommitted changes')
            [CompletionResult]::new('--undo-live-first', '--undo-live-first', [CompletionResultType]::ParameterName, 'With --via argocd: when a gate fails, apply the inverse patch to the live workloads at once, while the revert travels through git and Argo CD')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Patch the live workloads although Argo CD manages them (its self-heal will put git''s image back)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;status' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Take the workloads from this kustomization directory instead')
            [CompletionResult]::new('--kustomize', '--kustomize', [CompletionResultType]::ParameterName, 'Take the workloads from this kustomization directory instead')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up (and undo) when the release is not healthy within this long (e.g. 5m)')
            [CompletionResult]::new('--soak', '--soak', [CompletionResultType]::ParameterName, 'Keep watching this long after the rollout completes')
            [CompletionResult]::new('--readiness-timeout', '--readiness-timeout', [CompletionResultType]::ParameterName, 'A new pod must be Ready within this long')
            [CompletionResult]::new('--max-restarts', '--max-restarts', [CompletionResultType]::ParameterName, 'More restarts than this in a new container fail the release')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Wait until healthy or failed')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Wait until healthy or failed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;undo' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Take the workloads from this kustomization directory instead')
            [CompletionResult]::new('--kustomize', '--kustomize', [CompletionResultType]::ParameterName, 'Take the workloads from this kustomization directory instead')
            [CompletionResult]::new('--to-revision', '--to-revision', [CompletionResultType]::ParameterName, 'Undo this revision (see `history`) instead of the latest')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up (and undo) when the release is not healthy within this long (e.g. 5m)')
            [CompletionResult]::new('--soak', '--soak', [CompletionResultType]::ParameterName, 'Keep watching this long after the rollout completes')
            [CompletionResult]::new('--readiness-timeout', '--readiness-timeout', [CompletionResultType]::ParameterName, 'A new pod must be Ready within this long')
            [CompletionResult]::new('--max-restarts', '--max-restarts', [CompletionResultType]::ParameterName, 'More restarts than this in a new container fail the release')
            [CompletionResult]::new('--sync-timeout', '--sync-timeout', [CompletionResultType]::ParameterName, 'For a release that went through Argo CD: how long Argo CD may take to sync the revert')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'dry-run')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;history' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Take the workloads from this kustomization directory instead')
            [CompletionResult]::new('--kustomize', '--kustomize', [CompletionResultType]::ParameterName, 'Take the workloads from this kustomization directory instead')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;cmp' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('plugin', 'plugin', [CompletionResultType]::ParameterValue, 'Print the ConfigManagementPlugin (plugin.yaml) for the sidecar: Applications name it')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'Print the path of kubectl-release.yaml when the Application''s repository has one (plugin discovery)')
            [CompletionResult]::new('parameters', 'parameters', [CompletionResultType]::ParameterValue, 'Print the parameter announcements for the Argo CD UI (JSON)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Render the Application''s path (or the environment it names) for Argo CD: manifests only on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-release;cmp;plugin' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('--discover', '--discover', [CompletionResultType]::ParameterName, 'Also discover repositories with kubectl-release.yaml for Applications that name no plugin (costs a second stream of the repository per generation of every such Application)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;cmp;discover' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;cmp;parameters' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;cmp;generate' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;cmp;help' {
            [CompletionResult]::new('plugin', 'plugin', [CompletionResultType]::ParameterValue, 'Print the ConfigManagementPlugin (plugin.yaml) for the sidecar: Applications name it')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'Print the path of kubectl-release.yaml when the Application''s repository has one (plugin discovery)')
            [CompletionResult]::new('parameters', 'parameters', [CompletionResultType]::ParameterValue, 'Print the parameter announcements for the Argo CD UI (JSON)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Render the Application''s path (or the environment it names) for Argo CD: manifests only on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-release;cmp;help;plugin' {
            break
        }
        'kubectl-release;cmp;help;discover' {
            break
        }
        'kubectl-release;cmp;help;parameters' {
            break
        }
        'kubectl-release;cmp;help;generate' {
            break
        }
        'kubectl-release;cmp;help;help' {
            break
        }
        'kubectl-release;webhook' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (Keel''s port is 9300; port 0 picks a free one)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the bearer token from this file (else $KUBECTL_RELEASE_WEBHOOK_TOKEN)')
            [CompletionResult]::new('--github-secret-file', '--github-secret-file', [CompletionResultType]::ParameterName, 'Read GitHub''s webhook secret from this file (else $KUBECTL_RELEASE_GITHUB_SECRET); GitHub deliveries are then authenticated by their X-Hub-Signature-256')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Serve HTTPS with this certificate chain (PEM)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The certificate''s private key (PEM)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'An environment of kubectl-release.yaml whose `track:` images are released (repeatable; default: every environment with a `track:` policy, when the config is found)')
            [CompletionResult]::new('--sync-timeout', '--sync-timeout', [CompletionResultType]::ParameterName, 'With --write-back: how long Argo CD may take to sync a commit')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'How many workloads may release at once')
            [CompletionResult]::new('--shutdown-grace', '--shutdown-grace', [CompletionResultType]::ParameterName, 'After SIGTERM, how long running releases may go on before they are interrupted (recorded, left in place)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'A request must arrive and be answered within this')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'A request''s head must arrive within this')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'At most this many connections at once; more are closed')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or JSON')
            [CompletionResult]::new('--page-refresh', '--page-refresh', [CompletionResultType]::ParameterName, 'Seconds between refreshes of the status page')
            [CompletionResult]::new('--insecure-registry', '--insecure-registry', [CompletionResultType]::ParameterName, 'Reach this registry host over plain HTTP (repeatable)')
            [CompletionResult]::new('--registry-rate', '--registry-rate', [CompletionResultType]::ParameterName, 'Registry requests per second (resolving tags to digests)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up (and undo) when the release is not healthy within this long (e.g. 5m)')
            [CompletionResult]::new('--soak', '--soak', [CompletionResultType]::ParameterName, 'Keep watching this long after the rollout completes')
            [CompletionResult]::new('--readiness-timeout', '--readiness-timeout', [CompletionResultType]::ParameterName, 'A new pod must be Ready within this long')
            [CompletionResult]::new('--max-restarts', '--max-restarts', [CompletionResultType]::ParameterName, 'More restarts than this in a new container fail the release')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('--insecure-no-auth', '--insecure-no-auth', [CompletionResultType]::ParameterName, 'Serve without authentication (a trusted network only)')
            [CompletionResult]::new('--write-back', '--write-back', [CompletionResultType]::ParameterName, 'For environments that name an Argo CD Application: commit the digest to the overlay and let Argo CD sync it (a failed gate is a revert), instead of a live patch self-heal undoes')
            [CompletionResult]::new('--ignore-argocd', '--ignore-argocd', [CompletionResultType]::ParameterName, 'Patch workloads Argo CD manages anyway (their Application ignores image differences)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;completion' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;version' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;__man' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;__complete' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log verbosity on stderr: -v info, -vv debug')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-release;help' {
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render an environment''s overlay (or a kustomization directory) to stdout, like `kustomize build`')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Diff an environment against the live cluster (server-side dry-run), or two environments')
            [CompletionResult]::new('bump', 'bump', [CompletionResultType]::ParameterValue, 'Compute the next semver tag from commit messages (github-tag-action compatible) and create it')
            [CompletionResult]::new('set-image', 'set-image', [CompletionResultType]::ParameterValue, 'Set an image of an environment in its overlay (as a guarded RFC 6902 patch), optionally commit and push')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Release an image to live workloads: guarded JSON patch, watch behind health gates, undo on failure')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Rollout and gate state of an environment''s workloads (or one workload); -w waits')
            [CompletionResult]::new('undo', 'undo', [CompletionResultType]::ParameterValue, 'Undo the latest (or a given) release of an environment''s workloads, behind the same gates')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Release records, newest first')
            [CompletionResult]::new('cmp', 'cmp', [CompletionResultType]::ParameterValue, 'Argo CD config-management plugin: the commands its sidecar runs (see `cmp plugin`)')
            [CompletionResult]::new('webhook', 'webhook', [CompletionResultType]::ParameterValue, 'Serve Keel-compatible webhooks: a pushed image is pinned to its digest and released behind the gates')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version, git commit and build target (`-o json` for JSON)')
            [CompletionResult]::new('__man', '__man', [CompletionResultType]::ParameterValue, 'Write the man pages (kubectl-release.1 and one per command) into DIR; scripts/dist.sh ships them')
            [CompletionResult]::new('__complete', '__complete', [CompletionResultType]::ParameterValue, 'Completion protocol for `kubectl release <TAB>` (kubectl runs `kubectl_complete-release`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-release;help;render' {
            break
        }
        'kubectl-release;help;diff' {
            break
        }
        'kubectl-release;help;bump' {
            break
        }
        'kubectl-release;help;set-image' {
            break
        }
        'kubectl-release;help;deploy' {
            break
        }
        'kubectl-release;help;status' {
            break
        }
        'kubectl-release;help;undo' {
            break
        }
        'kubectl-release;help;history' {
            break
        }
        'kubectl-release;help;cmp' {
            [CompletionResult]::new('plugin', 'plugin', [CompletionResultType]::ParameterValue, 'Print the ConfigManagementPlugin (plugin.yaml) for the sidecar: Applications name it')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'Print the path of kubectl-release.yaml when the Application''s repository has one (plugin discovery)')
            [CompletionResult]::new('parameters', 'parameters', [CompletionResultType]::ParameterValue, 'Print the parameter announcements for the Argo CD UI (JSON)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Render the Application''s path (or the environment it names) for Argo CD: manifests only on stdout')
            break
        }
        'kubectl-release;help;cmp;plugin' {
            break
        }
        'kubectl-release;help;cmp;discover' {
            break
        }
        'kubectl-release;help;cmp;parameters' {
            break
        }
        'kubectl-release;help;cmp;generate' {
            break
        }
        'kubectl-release;help;webhook' {
            break
        }
        'kubectl-release;help;completion' {
            break
        }
        'kubectl-release;help;version' {
            break
        }
        'kubectl-release;help;__man' {
            break
        }
        'kubectl-release;help;__complete' {
            break
        }
        'kubectl-release;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
