#!/usr/bin/env bash
# Runs the layer guard over a fixture tree and checks it flags exactly the lines marked /*flag*/
# (so a guard that has stopped matching fails the suite instead of passing silently).
set -u
here=$(cd "$(dirname "$0")" && pwd)
fixture="$here/fixture_layers"
output=$(bash "$here/check_layer_order.sh" "$fixture")
rc=$?
[ $rc -eq 1 ] || { echo "layer guard exited $rc on the fixture, expected 1"; echo "$output"; exit 1; }
expected=$(cd "$fixture" && grep -rn '/\*flag\*/' . | cut -d: -f1,2 | sed 's#^\./##' | sort)
flagged=$(echo "$output" | grep -oE '^[^ ]+:[0-9]+' | sort)
if [ "$expected" != "$flagged" ]; then
  echo "layer guard flagged: $(echo $flagged)"
  echo "expected:            $(echo $expected)"
  exit 1
fi
echo "layer guard self-test: ok ($(echo "$expected" | wc -l) upward includes caught, none invented)"
