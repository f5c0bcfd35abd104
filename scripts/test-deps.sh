#!/usr/bin/env bash
# Installs the Debian packages the test suite drives, when missing: a real
# Prometheus (remote write is checked against it), openssl (TLS test
# certificates) and Chromium (the status page's screenshot test).
set -euo pipefail

missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
(( ${#missing[@]} == 0 )) && exit 0

as_root=()
[[ "$(id -u)" == 0 ]] || as_root=(sudo)
"${as_root[@]}" apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
