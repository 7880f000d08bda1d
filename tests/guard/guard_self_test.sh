#!/usr/bin/env bash
# Runs the facade guard over a fixture and checks it flags exactly the lines marked /*flag*/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
fixture="$here/fixture_violation"
output=$(bash "$here/check_facade_use.sh" "$fixture")
rc=$?
[ $rc -eq 1 ] || { echo "guard exited $rc on the fixture, expected 1"; echo "$output"; exit 1; }
expected=$(grep -n '/\*flag\*/' "$fixture/include/spindle/bad.hpp" | cut -d: -f1 | sort -n)
flagged=$(echo "$output" | grep -o 'bad.hpp:[0-9]*' | cut -d: -f2 | sort -n)
if [ "$expected" != "$flagged" ]; then
  echo "guard flagged lines: $(echo $flagged)"
  echo "expected lines:      $(echo $expected)"
  exit 1
fi
echo "guard self-test: ok ($(echo "$expected" | wc -l) violations caught, none invented)"
