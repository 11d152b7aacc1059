# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_release_global_optspecs
    string join \n kubeconfig= context= n/namespace= o/output= repo= v/verbose h/help V/version
end

function __fish_kubectl_release_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_release_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_release_using_subcommand
    set -l cmd (__fish_kubectl_release_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "render" -d 'Render an environment\'s overlay (or a kustomization directory) to stdout, like `kustomize build`'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "diff" -d 'Diff an environment against the live cluster (server-side dry-run), or two environments'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "bump" -d 'Compute the next semver tag from commit messages (github-tag-action compatible) and create it'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "set-image" -d 'Set an image of an environment in its overlay (as a guarded RFC 6902 patch), optionally commit and push'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "deploy" -d 'Release an image to live workloads: guarded JSON patch, watch behind health gates, undo on failure'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "status" -d 'Rollout and gate state of an environment\'s workloads (or one workload); -w waits'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "undo" -d 'Undo the latest (or a given) release of an environment\'s workloads, behind the same gates'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "history" -d 'Release records, newest first'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "cmp" -d 'Argo CD config-management plugin: the commands its sidecar runs (see `cmp plugin`)'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "webhook" -d 'Serve Keel-compatible webhooks: a pushed image is pinned to its digest and released behind the gates'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "version" -d 'Print the version, git commit and build target (`-o json` for JSON)'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "__man" -d 'Write the man pages (kubectl-release.1 and one per command) into DIR; scripts/dist.sh ships them'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "__complete" -d 'Completion protocol for `kubectl release <TAB>` (kubectl runs `kubectl_complete-release`)'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -s k -l kustomize -d 'Render the kustomization in this directory instead of an environment' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -l engine -d 'Which renderer to use: the built-in one, or an installed kustomize (or kubectl kustomize) for features the built-in one refuses' -r -f -a "builtin\t''
kustomize\t''"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -l load-restrictor -d 'As kustomize\'s flag: LoadRestrictionsRootOnly (the default) refuses files outside a kustomization\'s directory; LoadRestrictionsNone allows them' -r -f -a "LoadRestrictionsRootOnly\t''
LoadRestrictionsNone\t''"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand diff" -s k -l kustomize -d 'Diff the kustomization in this directory against the live cluster (deletions are not computed)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand diff" -l field-manager -d 'Field manager of the server-side apply dry-run; use your GitOps tool\'s to see fields it would remove' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand diff" -l concurrency -d 'How many requests to the API server run at once' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand diff" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand diff" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand diff" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand diff" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand diff" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand diff" -l show-unchanged -d 'List unchanged objects in the table too'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand diff" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand diff" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l default-bump -d 'Bump used when no token is found: major, minor, patch or none' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l tag-prefix -d 'Prefix of version tags, e.g. `v`' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l with-v -d 'Deprecated spelling of `--tag-prefix v`' -r -f -a "true\t''
false\t''"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l release-branches -d 'Comma list of release branches; an entry with regex characters is a regex' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l initial-version -d 'Version used when no tag exists yet' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l tag-context -d '`repo`: the highest version tag anywhere; `branch`: the newest one reachable from HEAD' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l prerelease -d 'On non-release branches, make `X.Y.Z-<suffix>.N` prereleases' -r -f -a "true\t''
false\t''"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l prerelease-suffix -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l branch-history -d 'Which messages count: `compare` (since the last tag), `last` (HEAD only), `full` (since the default branch)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l default-branch -d 'The default branch for `--branch-history full` (default: `GITHUB_BASE_REF`, else the remote-tracking `master` or `main`)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l major-string-token -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l minor-string-token -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l patch-string-token -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l none-string-token -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l force-without-changes -d 'Bump even when HEAD already carries the latest tag' -r -f -a "true\t''
false\t''"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l custom-tag -d 'Use this tag instead of the computed one' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l dry-run -d 'Compute and print; create no tag' -r -f -a "true\t''
false\t''"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l source -d 'Work in this directory (relative to the current one), like the action\'s SOURCE' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -s m -l message -d 'Make an annotated tag with this message (default: a lightweight tag)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l remote -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -l push -d 'Push the new tag to `--remote`'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand bump" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -l policy -d 'Policy for --resolve instead of the configured one (a semver range, major|minor|patch|all, or `track: TAG`)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -l insecure-registry -d 'Reach this registry host over plain HTTP (repeatable); TLS is verified everywhere else' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -l resolve -d 'Pick the tag from the registry by the environment\'s policy for this image'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -l commit -d 'Commit the change with the environment\'s commit message template'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -l push -d 'Push the commit (implies --commit); a non-fast-forward is rebased and retried, never forced'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -l dry-run -d 'Print the patch and the file diff; write nothing'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -l allow-dirty -d 'Edit even when the working tree has uncommitted changes'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand set-image" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -s k -l kustomize -d 'Take the workloads from this kustomization directory instead' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l image -d 'The image to release: REPO:TAG or REPO@sha256:...; with --resolve just REPO' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l via -d 'How the image reaches the workloads: `live` (a guarded JSON patch) or `argocd` (a commit Argo CD syncs now; a failure is reverted in git). Default: argocd when the environment names an Argo CD Application (`argocd:` in kubectl-release.yaml), else live' -r -f -a "live\t''
argocd\t''"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l argocd-app -d 'The Argo CD Application that syncs the environment (else the environment\'s `argocd.application`)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l argocd-namespace -d 'The namespace of that Application (else the environment\'s `argocd.namespace`, else argocd)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l sync-timeout -d 'With --via argocd: how long Argo CD may take to sync a pushed commit' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l timeout -d 'Give up (and undo) when the release is not healthy within this long (e.g. 5m)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l soak -d 'Keep watching this long after the rollout completes' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l readiness-timeout -d 'A new pod must be Ready within this long' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l max-restarts -d 'More restarts than this in a new container fail the release' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l insecure-registry -d 'Reach this registry host over plain HTTP (repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l resolve -d 'Pick the tag from the registry by the environment\'s policy'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l dry-run -d 'Print the plan and the patches; change nothing'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l no-undo -d 'When a gate fails, report only; do not undo'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l undo-on-interrupt -d 'On Ctrl-C, undo instead of leaving the release in place'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l write-back -d 'First write the image back to the environment\'s overlay and commit it (as `set-image --commit`); when the release is undone, revert that commit too, so the GitOps controller does not re-apply it'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l push -d 'With --write-back: push the commit (and the revert)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l allow-dirty -d 'With --write-back or --via argocd: edit even when the working tree has uncommitted changes'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l undo-live-first -d 'With --via argocd: when a gate fails, apply the inverse patch to the live workloads at once, while the revert travels through git and Argo CD'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -l force -d 'Patch the live workloads although Argo CD manages them (its self-heal will put git\'s image back)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand deploy" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -s k -l kustomize -d 'Take the workloads from this kustomization directory instead' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -l timeout -d 'Give up (and undo) when the release is not healthy within this long (e.g. 5m)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -l soak -d 'Keep watching this long after the rollout completes' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -l readiness-timeout -d 'A new pod must be Ready within this long' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -l max-restarts -d 'More restarts than this in a new container fail the release' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -s w -l watch -d 'Wait until healthy or failed'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand status" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -s k -l kustomize -d 'Take the workloads from this kustomization directory instead' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -l to-revision -d 'Undo this revision (see `history`) instead of the latest' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -l timeout -d 'Give up (and undo) when the release is not healthy within this long (e.g. 5m)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -l soak -d 'Keep watching this long after the rollout completes' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -l readiness-timeout -d 'A new pod must be Ready within this long' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -l max-restarts -d 'More restarts than this in a new container fail the release' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -l sync-timeout -d 'For a release that went through Argo CD: how long Argo CD may take to sync the revert' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -l dry-run
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand undo" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand history" -s k -l kustomize -d 'Take the workloads from this kustomization directory instead' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand history" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand history" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand history" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand history" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand history" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand history" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand history" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -f -a "plugin" -d 'Print the ConfigManagementPlugin (plugin.yaml) for the sidecar: Applications name it'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -f -a "discover" -d 'Print the path of kubectl-release.yaml when the Application\'s repository has one (plugin discovery)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -f -a "parameters" -d 'Print the parameter announcements for the Argo CD UI (JSON)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -f -a "generate" -d 'Render the Application\'s path (or the environment it names) for Argo CD: manifests only on stdout'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and not __fish_seen_subcommand_from plugin discover parameters generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from plugin" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from plugin" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from plugin" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from plugin" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from plugin" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from plugin" -l discover -d 'Also discover repositories with kubectl-release.yaml for Applications that name no plugin (costs a second stream of the repository per generation of every such Application)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from plugin" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from plugin" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from plugin" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from discover" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from discover" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from discover" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from discover" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from discover" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from discover" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from discover" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from discover" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from parameters" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from parameters" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from parameters" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from parameters" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from parameters" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from parameters" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from parameters" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from parameters" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from generate" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from generate" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from generate" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from generate" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from generate" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from generate" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from generate" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from help" -f -a "plugin" -d 'Print the ConfigManagementPlugin (plugin.yaml) for the sidecar: Applications name it'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from help" -f -a "discover" -d 'Print the path of kubectl-release.yaml when the Application\'s repository has one (plugin discovery)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from help" -f -a "parameters" -d 'Print the parameter announcements for the Argo CD UI (JSON)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from help" -f -a "generate" -d 'Render the Application\'s path (or the environment it names) for Argo CD: manifests only on stdout'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand cmp; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l listen -d 'Address to listen on (Keel\'s port is 9300; port 0 picks a free one)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l token-file -d 'Read the bearer token from this file (else $KUBECTL_RELEASE_WEBHOOK_TOKEN)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l github-secret-file -d 'Read GitHub\'s webhook secret from this file (else $KUBECTL_RELEASE_GITHUB_SECRET); GitHub deliveries are then authenticated by their X-Hub-Signature-256' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l tls-cert -d 'Serve HTTPS with this certificate chain (PEM)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l tls-key -d 'The certificate\'s private key (PEM)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l env -d 'An environment of kubectl-release.yaml whose `track:` images are released (repeatable; default: every environment with a `track:` policy, when the config is found)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l sync-timeout -d 'With --write-back: how long Argo CD may take to sync a commit' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l parallel -d 'How many workloads may release at once' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l shutdown-grace -d 'After SIGTERM, how long running releases may go on before they are interrupted (recorded, left in place)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l request-timeout -d 'A request must arrive and be answered within this' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l header-timeout -d 'A request\'s head must arrive within this' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l max-connections -d 'At most this many connections at once; more are closed' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l log-format -d 'Log lines as text or JSON' -r -f -a "text\t''
json\t''"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l page-refresh -d 'Seconds between refreshes of the status page' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l insecure-registry -d 'Reach this registry host over plain HTTP (repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l registry-rate -d 'Registry requests per second (resolving tags to digests)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l timeout -d 'Give up (and undo) when the release is not healthy within this long (e.g. 5m)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l soak -d 'Keep watching this long after the rollout completes' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l readiness-timeout -d 'A new pod must be Ready within this long' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l max-restarts -d 'More restarts than this in a new container fail the release' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l insecure-no-auth -d 'Serve without authentication (a trusted network only)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l write-back -d 'For environments that name an Argo CD Application: commit the digest to the overlay and let Argo CD sync it (a failed gate is a revert), instead of a live patch self-heal undoes'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -l ignore-argocd -d 'Patch workloads Argo CD manages anyway (their Application ignores image differences)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand webhook" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand version" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand version" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand version" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand version" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand version" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand version" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __man" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __man" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __man" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __man" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __man" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __man" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __man" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __complete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __complete" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __complete" -s n -l namespace -d 'The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable)' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __complete" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''
patch\t'The RFC 6902 patch a change applies (`set-image`)'"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __complete" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __complete" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __complete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand __complete" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "render" -d 'Render an environment\'s overlay (or a kustomization directory) to stdout, like `kustomize build`'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "diff" -d 'Diff an environment against the live cluster (server-side dry-run), or two environments'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "bump" -d 'Compute the next semver tag from commit messages (github-tag-action compatible) and create it'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "set-image" -d 'Set an image of an environment in its overlay (as a guarded RFC 6902 patch), optionally commit and push'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "deploy" -d 'Release an image to live workloads: guarded JSON patch, watch behind health gates, undo on failure'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "status" -d 'Rollout and gate state of an environment\'s workloads (or one workload); -w waits'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "undo" -d 'Undo the latest (or a given) release of an environment\'s workloads, behind the same gates'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "history" -d 'Release records, newest first'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "cmp" -d 'Argo CD config-management plugin: the commands its sidecar runs (see `cmp plugin`)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "webhook" -d 'Serve Keel-compatible webhooks: a pushed image is pinned to its digest and released behind the gates'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "completion" -d 'Print a shell completion script'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "version" -d 'Print the version, git commit and build target (`-o json` for JSON)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "__man" -d 'Write the man pages (kubectl-release.1 and one per command) into DIR; scripts/dist.sh ships them'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "__complete" -d 'Completion protocol for `kubectl release <TAB>` (kubectl runs `kubectl_complete-release`)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render diff bump set-image deploy status undo history cmp webhook completion version __man __complete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and __fish_seen_subcommand_from cmp" -f -a "plugin" -d 'Print the ConfigManagementPlugin (plugin.yaml) for the sidecar: Applications name it'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and __fish_seen_subcommand_from cmp" -f -a "discover" -d 'Print the path of kubectl-release.yaml when the Application\'s repository has one (plugin discovery)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and __fish_seen_subcommand_from cmp" -f -a "parameters" -d 'Print the parameter announcements for the Argo CD UI (JSON)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and __fish_seen_subcommand_from cmp" -f -a "generate" -d 'Render the Application\'s path (or the environment it names) for Argo CD: manifests only on stdout'
