#!/usr/bin/env bash
# Cargo's runner for the desktop app's Windows test binary (x86_64-pc-windows-gnu) on
# Linux: runs it under Wine, in a fresh prefix of its own that is removed afterwards.
# `./x test` uses it for the app's Windows-only code (src-tauri: the Credential Manager,
# the Run key, the local server's supervisor with the Windows build of the sidecar).
set -euo pipefail

exe="$1"
shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
wine=""
for candidate in /usr/lib/wine/wine64 /usr/bin/wine64 /usr/bin/wine; do
  if [ -x "$candidate" ]; then wine="$candidate"; break; fi
done
[ -n "$wine" ] || { echo "run.sh: no Wine (apt-get install wine64)" >&2; exit 1; }
server=""
for candidate in /usr/lib/wine/wineserver64 /usr/bin/wineserver; do
  if [ -x "$candidate" ]; then server="$candidate"; break; fi
done

WINEPREFIX="$(mktemp -d)"
export WINEPREFIX WINEDEBUG=-all
cleanup() {
  [ -n "$server" ] && "$server" -k >/dev/null 2>&1 || true
  rm -rf "$WINEPREFIX"
}
trap cleanup EXIT

"$wine" cmd /c exit >/dev/null 2>&1
# Wine 8 lacks ProcessPrng, where Rust's standard library takes its random numbers
# (real Windows 10 and 11 have it): the sidecar's Wine test builds the same shim.
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  "$root/crates/sidecar/tests/wine/bcryptprimitives.c" -ladvapi32
# The GNU build links WebView2Loader.dll, which cargo leaves in the profile folder
# (above deps/); the MSVC release links it statically.
profile="$(cd "$(dirname "$exe")/.." && pwd)"
export WINEPATH="Z:${profile//\//\\}"

"$wine" "$exe" "$@"
