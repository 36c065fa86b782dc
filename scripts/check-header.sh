#!/usr/bin/env bash
# Fails (exit 1, with a diff) when the checked-in include/hermit/syscall.h is not what
# scripts/gen-header.sh generates from the kernel's current source.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
header="$repo/include/hermit/syscall.h"
fresh="$(mktemp --suffix=.h)"
trap 'rm -f "$fresh"' EXIT

"$repo/scripts/gen-header.sh" "$fresh"

if [ ! -f "$header" ]; then
    echo "check-header: include/hermit/syscall.h is missing; create it with: scripts/gen-header.sh" >&2
    exit 1
fi
if ! diff -u --label "include/hermit/syscall.h (checked in)" --label "include/hermit/syscall.h (generated)" \
    "$header" "$fresh"; then
    echo >&2
    echo "check-header: include/hermit/syscall.h is stale (diff above); regenerate it with: scripts/gen-header.sh" >&2
    exit 1
fi
echo "check-header: include/hermit/syscall.h is up to date"
