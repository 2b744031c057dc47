#!/usr/bin/env bash
# Stand-in for quay.io/argoproj/argocd:v3.6.2, the one image of every Argo CD component in
# manifests/install.yaml (server, repo-server, application controller, applicationset controller,
# notifications, dex's copyutil, redis' secret-init): upstream's Dockerfile gives ubuntu:26.04 +
# git, tini, gpg, gpg-agent, tzdata, openssh-client, connect-proxy, CA bundle; helm, kustomize and
# git-lfs in /usr/local/bin; the argocd binary at /usr/local/bin/argocd with one symlink per
# component (argv[0] chooses the component); gpg-wrapper.sh, git-verify-wrapper.sh and
# entrypoint.sh (uid_entrypoint.sh) in /usr/local/bin; user argocd 999:999, home /home/argocd
# (999:0, g=u), /app/config/{ssh/ssh_known_hosts,tls,gpg/source,gpg/keys (argocd, 0700)} and
# /etc/ssh/ssh_known_hosts linked to the first; ENV USER=argocd ARGOCD_USER_ID=999
# GRPC_ENABLE_TXT_SERVICE_CONFIG=false; ENTRYPOINT ["/usr/bin/tini", "--"], workdir /home/argocd,
# user 999. Those are the same here.
# Differs from upstream:
#   - the binary is built from the module zip by images/argocd/build-bin.sh (Go 1.27, CGO off,
#     upstream's -X flags; gitops-engine from the proxy; no UI: see that file);
#   - Debian bookworm's userland instead of Ubuntu 26.04's: git 2.39 (upstream 2.53), gpg and
#     gpg-agent 2.2.40, tini 0.19 (static), on Debian's static busybox (sh, cp, ln, ... for the
#     manifests' `sh -c` and `/bin/cp` init containers) instead of Ubuntu's coreutils and bash;
#   - Helm v4.3.2 (hack/tool-versions.sh's HELM_VERSION) compiled from the Go module proxy instead
#     of the release tarball; no kustomize, git-lfs, openssh-client (git over ssh fails),
#     connect-proxy, tzdata: this project's Applications are Helm charts over http(s).
# airgap-set: cluster
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib-debian.sh"

work="$1"
root="$work/rootfs"
version=v3.6.2
helm_version=v4.3.2 # argo-cd v3.6.2 hack/tool-versions.sh: HELM_VERSION=4.3.2
mkdir -p "$root"

busybox_rootfs "$root"
mkdir -p "$root/usr/local/bin" "$root/usr/bin"

# Argo CD: one binary, one link per component (upstream's Dockerfile list).
bash "$here/argocd/build-bin.sh" "$root/usr/local/bin/argocd"
for c in argocd-server argocd-repo-server argocd-cmp-server argocd-application-controller argocd-dex \
  argocd-notifications argocd-applicationset-controller argocd-k8s-auth argocd-commit-server; do
  ln -sfn /usr/local/bin/argocd "$root/usr/local/bin/$c"
done
src=$(GOTOOLCHAIN=${ARGOCD_GOTOOLCHAIN:-go1.27.3} go mod download -json "github.com/argoproj/argo-cd/v3@$version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
for f in hack/gpg-wrapper.sh hack/git-verify-wrapper.sh entrypoint.sh; do
  install -m 0755 "$src/$f" "$root/usr/local/bin/$(basename "$f")"
done
ln -sfn /usr/local/bin/entrypoint.sh "$root/usr/local/bin/uid_entrypoint.sh"

go_tool_bin helm.sh/helm/v4/cmd/helm "$helm_version" "$root/usr/local/bin/helm" \
  "-X helm.sh/helm/v4/internal/version.version=$helm_version -X helm.sh/helm/v4/internal/version.gitTreeState=clean"

# git (as the golang stand-in: the binary, its builtins, the shell commands, the http transport).
apt_install git gpg gpg-agent tini
copy_with_libs "$root" /usr/bin/git
mkdir -p "$root/usr/lib/git-core" "$root/usr/share/git-core/templates"
for f in /usr/lib/git-core/*; do
  name="$(basename "$f")"
  [ -d "$f" ] && [ ! -L "$f" ] && continue
  if [ -L "$f" ]; then
    ln -sfn "$(readlink "$f")" "$root/usr/lib/git-core/$name"
  elif cmp -s "$f" /usr/bin/git; then
    ln -sfn ../../bin/git "$root/usr/lib/git-core/$name"
  elif [ -f "$f" ] && head -c 4 "$f" | grep -q 'ELF'; then
    case "$name" in git-remote-http | git-sh-i18n--envsubst) copy_with_libs "$root" "$f" ;; esac
  elif [ -f "$f" ]; then
    rootfs_install "$root" "$f"
  fi
done
# gpg: the repo-server creates its keyring at start (ARGOCD_GPG_ENABLED defaults to true), with
# gpg --gen-key, which starts gpg-agent.
copy_with_libs "$root" /usr/bin/gpg /usr/bin/gpg-agent /usr/bin/gpgconf /usr/bin/gpg-connect-agent
install -m 0755 /usr/bin/tini-static "$root/usr/bin/tini"

# The argocd user, its home and Argo CD's config folders, as upstream.
add_user "$root" argocd 999 999 /home/argocd /bin/sh
chown 999:0 "$root/home/argocd"
chmod g=u "$root/home/argocd"
mkdir -p "$root/app/config/ssh" "$root/app/config/tls" "$root/app/config/gpg/source" "$root/app/config/gpg/keys" "$root/etc/ssh"
touch "$root/app/config/ssh/ssh_known_hosts"
ln -sfn /app/config/ssh/ssh_known_hosts "$root/etc/ssh/ssh_known_hosts"
chown 999 "$root/app/config/gpg/keys"
chmod 0700 "$root/app/config/gpg/keys"

# Smoke checks from the rootfs, as user argocd: the version, helm, git, a gpg key generation.
out="$(rootfs_run "$root" --user 999:999 /usr/bin/env -i HOME=/home/argocd PATH=/usr/local/bin:/usr/bin:/bin sh -euc '
  argocd version --client --short; helm version --short; git --version; gpg --version | head -1
  cd /tmp && mkdir -p g && chmod 700 g && printf "%%no-protection\nKey-Type: RSA\nKey-Length: 2048\nName-Real: t\n%%commit\n" > k &&
  GNUPGHOME=/tmp/g gpg --batch --logger-fd 1 --gen-key k >/dev/null 2>&1 && echo gpg-gen-key-ok; gpgconf --kill gpg-agent 2>/dev/null; rm -rf /tmp/g /tmp/k')"
airgap_log "$out"
grep -q "argocd: v${version#v}" <<<"$out"
grep -q "^$helm_version" <<<"$out"
grep -q gpg-gen-key-ok <<<"$out"

write_image_conf "$work" '{
  "entrypoint": ["/usr/bin/tini", "--"],
  "user": "999",
  "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "USER=argocd", "ARGOCD_USER_ID=999", "DEBIAN_FRONTEND=noninteractive", "GRPC_ENABLE_TXT_SERVICE_CONFIG=false"],
  "workdir": "/home/argocd",
  "labels": {"org.opencontainers.image.source": "https://github.com/argoproj/argo-cd", "org.opencontainers.image.description": "air-gap stand-in for quay.io/argoproj/argocd:v3.6.2, built by hack/airgap"}
}'
write_ref "$work" argoproj/argocd:$version
