#!/usr/bin/env bash
# Fails (exit 1, with a diff) when the checked-in include/hermit/syscall.h or
# include/hermit/syscall-prefixed.h is not what scripts/gen-header.sh generates from the
# kernel's current source.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT

"$repo/scripts/gen-header.sh" "$fresh"

stale=0
for name in syscall.h syscall-prefixed.h; do
    header="$repo/include/hermit/$name"
    if [ ! -f "$header" ]; then
        echo "check-header: include/hermit/$name is missing; create it with: scripts/gen-header.sh" >&2
        stale=1
    elif ! diff -u --label "include/hermit/$name (checked in)" \
        --label "include/hermit/$name (generated)" "$header" "$fresh/$name"; then
        echo >&2
        echo "check-header: include/hermit/$name is stale (diff above); regenerate it with: scripts/gen-header.sh" >&2
        stale=1
    fi
done
[ "$stale" = 0 ] || exit 1
echo "check-header: include/hermit/syscall.h and syscall-prefixed.h are up to date"
