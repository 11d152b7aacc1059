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
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -s n -l namespace -d 'The namespace to use for namespaced objects' -r
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''"
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -s h -l help -d 'Print help'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "render" -d 'Render an environment\'s overlay (or a kustomization directory) to stdout, like `kustomize build`'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c kubectl-release -n "__fish_kubectl_release_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -s k -l kustomize -d 'Render the kustomization in this directory instead of an environment' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -l engine -d 'Which renderer to use: the built-in one, or an installed kustomize (or kubectl kustomize) for features the built-in one refuses' -r -f -a "builtin\t''
kustomize\t''"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -s n -l namespace -d 'The namespace to use for namespaced objects' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -s h -l help -d 'Print help'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand render" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -s n -l namespace -d 'The namespace to use for namespaced objects' -r
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -s o -l output -d 'Output format' -r -f -a "yaml\t''
json\t''"
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -l repo -d 'The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory)' -r -F
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -s v -l verbose -d 'Log verbosity on stderr: -v info, -vv debug'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -s h -l help -d 'Print help'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand completion" -s V -l version -d 'Print version'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render completion help" -f -a "render" -d 'Render an environment\'s overlay (or a kustomization directory) to stdout, like `kustomize build`'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render completion help" -f -a "completion" -d 'Print a shell completion script'
complete -c kubectl-release -n "__fish_kubectl_release_using_subcommand help; and not __fish_seen_subcommand_from render completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
