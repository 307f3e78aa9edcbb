#!/usr/bin/env bash
# Regenerates every sample medium in this folder with burnbench itself, byte for byte.
# Usage: media-images/regenerate.sh [OUT_DIR]   (default: this folder; BURNBENCH=path/to/burnbench)
# The ISO 9660 sessions come from fixtures/*.iso (see fixtures/make-fixtures.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
bb=${BURNBENCH:-burnbench}
s1=$here/fixtures/session1.iso
s2=$here/fixtures/session2.iso
mkdir -p "$out"
new() { "$bb" media create "$out/$1" --force "${@:2}" >/dev/null; }
rec() { "$bb" media write "$out/$1" "$2" --quiet "${@:3}" >/dev/null; }

new blank-cd-r-80.bbm --profile cd-r --cd-length 80
new blank-cd-rw.bbm --profile cd-rw
new appendable-cd-r-2-sessions.bbm --profile cd-r
rec appendable-cd-r-2-sessions.bbm "$s1" --close session
rec appendable-cd-r-2-sessions.bbm "$s2" --close session
new finalized-dvd-r.bbm --profile dvd-r
rec finalized-dvd-r.bbm "$s1" --close finalize
new blank-dvd+r.bbm --profile dvd+r
new unformatted-dvd+rw.bbm --profile dvd+rw
new formatted-dvd+rw-iso.bbm --profile dvd+rw --state formatted
rec formatted-dvd+rw-iso.bbm "$s1" --lba 0
new blank-bd-r.bbm --profile bd-r
new formatted-bd-re.bbm --profile bd-re --state formatted
