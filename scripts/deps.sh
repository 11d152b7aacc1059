#!/usr/bin/env bash
# Installs the system packages the tests start as real parts (Debian): the OCI
# registry, htpasswd for its basic auth, openssl for the testenv certificates,
# git, Redis for `testenv/up --argocd`, for the distribution tests
# shellcheck (actionlint runs it on the CI examples' scripts), groff (man
# pages), binutils (objcopy) and curl (the CI examples' steps), and Chromium
# (headless) for the webhook's status-page test. Does nothing when they are
# already there. Chromium is the big one: 25 packages, 124 MB to download,
# 380 MB installed, 19 s to install from a warm package list.
set -euo pipefail
need=()
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v htpasswd >/dev/null || need+=(apache2-utils)
command -v openssl >/dev/null || need+=(openssl)
command -v git >/dev/null || need+=(git)
command -v prometheus >/dev/null || need+=(prometheus)
command -v redis-server >/dev/null || need+=(redis-server)
command -v curl >/dev/null || need+=(curl)
command -v shellcheck >/dev/null || need+=(shellcheck)
command -v groff >/dev/null || need+=(groff-base)
command -v objcopy >/dev/null || need+=(binutils)
command -v chromium >/dev/null || need+=(chromium)
if ((${#need[@]})); then
  echo "installing: ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian packages may start a registry on :5000 and Redis on :6379; the
# tests and the testenv start their own on free ports.
