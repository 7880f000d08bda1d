#!/usr/bin/env bash
# Runs the protocol-label guard over a fixture tree and checks it flags exactly the lines marked
# "flag" (so a guard that has stopped matching fails the suite instead of passing silently).
set -u
here=$(cd "$(dirname "$0")" && pwd)
fixture="$here/fixture_labels"
output=$(bash "$here/check_protocol_labels.sh" "$fixture")
rc=$?
[ $rc -eq 1 ] || { echo "label guard exited $rc on the fixture, expected 1"; echo "$output"; exit 1; }
expected=$(cd "$fixture" && grep -rnw 'flag' --exclude=protocol-labels.md . | cut -d: -f1,2 \
  | sed 's#^\./##' | sort)
flagged=$(echo "$output" | grep -oE '^[^ ]+:[0-9]+' | sort -u)
if [ "$expected" != "$flagged" ]; then
  echo "label guard flagged: $(echo $flagged)"
  echo "expected:            $(echo $expected)"
  echo "$output"
  exit 1
fi
echo "label guard self-test: ok ($(echo "$expected" | wc -l) lines with bad labels caught, none invented)"
