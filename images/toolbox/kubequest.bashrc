# KubeQuest toolbox: sourced by every interactive bash (from /etc/bash.bashrc), because the
# learner's home directory is an empty volume and holds no dotfiles of its own.

# kubectl inside the pod talks to the cluster with the learner's ServiceAccount, and its
# default namespace is the pod's own, so plain `kubectl get pods` just works.
KUBEQUEST_NAMESPACE="${POD_NAMESPACE:-$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace 2>/dev/null)}"
export POD_NAMESPACE="${KUBEQUEST_NAMESPACE}"

# Completion for kubectl (and for the short alias k).
if ! shopt -oq posix; then
  [ -f /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
  # Loaded now rather than on first use, so the alias below can share it.
  [ -f /usr/share/bash-completion/completions/kubectl ] && . /usr/share/bash-completion/completions/kubectl
fi
alias k=kubectl
if declare -F __start_kubectl >/dev/null; then
  complete -o default -F __start_kubectl k
fi

alias ll='ls -la'
alias kgp='kubectl get pods -o wide'

export EDITOR=nano
export KUBE_EDITOR=nano
export LESS=-R
HISTSIZE=5000
HISTCONTROL=ignoredups

# Prompt: user, namespace, working directory. Colours only where they are understood.
__kq_ns() { printf '%s' "${KUBEQUEST_NAMESPACE:-no namespace}"; }
if [ "${TERM:-dumb}" != dumb ]; then
  PS1='\[\e[1;32m\]learner\[\e[0m\] \[\e[1;36m\]⎈ $(__kq_ns)\[\e[0m\] \[\e[1;34m\]\w\[\e[0m\] \$ '
else
  PS1='learner [ns: $(__kq_ns)] \w \$ '
fi

if [ -z "${KUBEQUEST_GREETED:-}" ]; then
  export KUBEQUEST_GREETED=1
  cat <<GREETING
Welcome to the KubeQuest toolbox. You are in namespace ${KUBEQUEST_NAMESPACE:-?}.
Tools: kubectl (alias k, with Tab completion), nslookup, dig, redis-cli, curl, jq, nano, vi.
Try: kubectl get pods -o wide
GREETING
fi
