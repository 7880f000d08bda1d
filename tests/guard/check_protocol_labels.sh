#!/usr/bin/env bash
# The protocol-label guard (STYLE.md, "Comments say why"; docs/design.md, "How a primitive is
# written"): a protocol's numbered steps and named invariants carry labels such as WP.PARK1 —
# PREFIX.LABEL, the prefix naming the protocol — so that no two labels mean different things
# (INV1 once meant ten different things). Fails, listing file:line: token,
#   - for a bare label ([A-Z]+[0-9]+ with no "PREFIX." in front) in a comment of a source file or
#     anywhere in docs/*.md, unless the token is on the allow-list of non-labels below;
#   - for a prefixed label (PREFIX.LABEL) used anywhere but not listed in the index,
#     docs/protocol-labels.md (which says where each label is defined and what it means).
# Labels inside string literals (error messages) are not comments and are not checked; the
# index notes the ones that still use a bare label.
#
# usage: check_protocol_labels.sh <repository root>
set -u
root=${1:?usage: check_protocol_labels.sh <repository root>}
index="$root/docs/protocol-labels.md"
[ -f "$index" ] || { echo "label guard: $index is missing"; exit 2; }

# Folders whose comments are checked, and docs. bench/RESULTS.md is a dated log: it quotes the
# labels as they were at each measurement and is not checked.
code_dirs=(include src sim twist context base testing tests bench examples)
# Paths not checked, and why (a regular expression on the path below the root):
# - tests/guard/fixture_*: the guards' own fixtures, with violations on purpose.
skip_paths='^tests/guard/fixture_'

# Tokens that look like labels but are not: registers and ABIs (context switch code: X19, XMM6,
# D8, AAPCS64), C11, -O2, paper P0982, SSE2, SIGUSR1, INT32, the simulator's thread names
# (T0, T1, ...) and the version of its replay tokens (S1).
allow='^(AAPCS64|C11|O2|P0982|S1|T[0-9]+|SSE[0-9]|SIGUSR[12]|INT[0-9]+|[XWDQVR][0-9]+|XMM[0-9]+)$'

# Prints "path:line: token" for every label-like token ([A-Z]+[0-9]+, with or without a
# "PREFIX." in front) in the comments of the C++/assembly files named (mode=code: what follows //
# outside a string literal, and what lies between /* and */, blocks spanning lines) or anywhere
# in the Markdown files named (mode=md).
tokens() {
  local mode=$1; shift
  [ $# -gt 0 ] || return 0
  awk -v mode="$mode" -v root="$root/" '
    FNR == 1 { inblock = 0; rel = FILENAME; if (index(rel, root) == 1) rel = substr(rel, length(root) + 1) }
    function emit(text,   rest, tok, before, after, pos) {
      rest = text; pos = 0
      while (match(rest, /[A-Z]+(\.[A-Z]+)?[0-9]+/)) {
        tok = substr(rest, RSTART, RLENGTH)
        before = RSTART > 1 ? substr(rest, RSTART - 1, 1) : " "
        after = substr(rest, RSTART + RLENGTH, 1)
        if (before !~ /[A-Za-z0-9_.]/ && after !~ /[A-Za-z0-9_]/)
          printf "%s:%d: %s\n", rel, FNR, tok
        rest = substr(rest, RSTART + RLENGTH)
      }
    }
    mode == "md" { emit($0); next }
    {
      line = $0; out = ""; i = 1; n = length(line); instr = 0
      while (i <= n) {
        c = substr(line, i, 1)
        if (inblock) {
          if (substr(line, i, 2) == "*/") { inblock = 0; i += 2; out = out " "; continue }
          out = out c; i++; continue
        }
        if (instr) {
          if (c == "\\") { i += 2; continue }
          if (c == "\"") instr = 0
          i++; continue
        }
        if (c == "\"") { instr = 1; i++; continue }
        if (substr(line, i, 2) == "//") { out = out " " substr(line, i + 2); break }
        if (substr(line, i, 2) == "/*") { inblock = 1; i += 2; continue }
        i++
      }
      if (out != "") emit(out)
    }' "$@"
}

files=()
for d in "${code_dirs[@]}"; do
  [ -d "$root/$d" ] || continue
  while IFS= read -r -d '' f; do
    [[ ${f#$root/} =~ $skip_paths ]] || files+=("$f")
  done < <(find "$root/$d" -type f \( -name '*.hpp' -o -name '*.cpp' -o -name '*.h' \
             -o -name '*.S' -o -name '*.inc' \) -print0)
done
docs=()
while IFS= read -r -d '' f; do
  [ "$f" = "$index" ] || docs+=("$f")
done < <(find "$root/docs" -maxdepth 1 -type f -name '*.md' -print0)

found=$( { tokens code "${files[@]}"; tokens md "${docs[@]}"; } )
[ -n "$found" ] || { echo "label guard: no labels found under $root"; exit 2; }
checked=$(grep -c . <<<"$found")
bare=$(grep -E ': [A-Z]+[0-9]+$' <<<"$found" | awk -v allow="$allow" '{ t = $NF } t !~ allow')
# The labels the index lists: those in its table rows.
indexed=$(grep -E '^\|' "$index" | grep -oE '\b[A-Z]+\.[A-Z]+[0-9]+\b' | sort -u)
unindexed=$(grep -E ': [A-Z]+\.[A-Z]+[0-9]+$' <<<"$found" \
  | awk 'NR == FNR { listed[$1] = 1; next } !($NF in listed)' <(printf "%s\n" "$indexed") -)
# A prefix must be 1-4 letters and a label 1-8 letters and digits, as the index's tables have.
malformed=$(grep -E ': [A-Z]+(\.[A-Z]+)?[0-9]+$' <<<"$found" \
  | grep -vE ': ([A-Z]{1,4}\.)?[A-Z]{1,8}[0-9]+$' | awk -v allow="$allow" '{ t = $NF } t !~ allow')

status=0
if [ -n "$bare" ]; then
  echo "label guard: bare labels (give them their protocol's prefix, docs/protocol-labels.md;"
  echo "or, if the token is no label, add it to the allow-list in $(basename "$0")):"
  printf "%s\n" "$bare"
  status=1
fi
if [ -n "$unindexed" ]; then
  echo "label guard: prefixed labels that docs/protocol-labels.md does not list:"
  printf "%s\n" "$unindexed"
  status=1
fi
if [ -n "$malformed" ]; then
  echo "label guard: malformed labels (PREFIX of 1-4 letters, LABEL of 1-8 letters + digits):"
  printf "%s\n" "$malformed"
  status=1
fi
[ "$status" -eq 0 ] && echo "label guard: $checked label uses checked, all prefixed and indexed"
exit "$status"
