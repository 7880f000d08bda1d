#!/usr/bin/env bash
# Compares the machine code of functions in one object file, instruction by instruction.
#
# usage: compare_disassembly.sh [--expect-different] <objdump> <object> <function> <function>...
#   Functions are given in pairs (a b [c d ...]). Without --expect-different each pair must
#   disassemble to the same normalised instruction sequence; with it, each pair must differ
#   (the self-test that proves the comparison can fail). On a mismatch both listings and a
#   diff are printed.
#
# Normalisation removes only what differs between two copies of the same code placed at
# different addresses: the address column, absolute branch targets (kept as offsets inside
# the function: <SELF+0x30>), the function's own name, objdump's `# address` comments, the
# placeholder targets of relocated calls (the relocation names the real one), the offsets of
# relocations and the names of local (.L*, section) symbols. Opcodes, operands,
# immediates, external call targets (sched_yield...) and the layout inside the function are
# compared as they are. Alignment padding after the function's last instruction is dropped.
# A function's hot/cold split (<f.cold>, emitted for unlikely paths) is compared too.
set -u

expect_different=0
if [ "${1:-}" = "--expect-different" ]; then
  expect_different=1
  shift
fi
if [ $# -lt 4 ] || [ $(( ($# - 2) % 2 )) -ne 0 ]; then
  echo "usage: $0 [--expect-different] <objdump> <object> <function> <function> [...]" >&2
  exit 2
fi
objdump=$1
object=$2
shift 2
[ -r "$object" ] || { echo "compare_disassembly: cannot read object '$object'" >&2; exit 2; }

# Prints the normalised instructions of function $1 (and of $1.cold if it exists).
normalised() {
  local fn=$1 part
  for part in "$fn" "$fn.cold"; do
    "$objdump" -d --no-show-raw-insn -r --disassemble="$part" "$object" |
      awk -v fn="$part" -v self="${part/$fn/SELF}" '
        function hex(s,    i, v) {                           # portable (mawk has no strtonum)
          v = 0
          for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
          return v
        }
        /^[[:space:]]*[0-9a-f]+:[[:space:]]+R_/ {          # relocation: "  61: R_X86_64_PLT32 sym-0x4"
          # objdump --disassemble=<sym> also prints the relocations of the code it skipped
          # before <sym>: keep only those inside the function.
          if (n == 0 || hex($1) < start) next
          sub(/^[[:space:]]*[0-9a-f]+:[[:space:]]+/, "")
          sub(/[[:space:]]*<[^>]*>$/, "", lines[n])          # the target shown for a placeholder
          gsub(/\.L[[:alnum:]_.]+|\.(text|rodata|data|bss)[[:alnum:]_.]*/, "LOCAL")
          lines[++n] = "    reloc " $0
          next
        }
        /^[[:space:]]*[0-9a-f]+:\t/ {                        # instruction: "  30:\tmovzbl (%r14),%eax"
          if (n == 0) start = hex($1)
          sub(/^[[:space:]]*[0-9a-f]+:\t/, "")
          sub(/[[:space:]]+#.*$/, "")                         # "# 2b <f+0x2b>" address comments
          gsub(/[0-9a-f]+ </, "<")                            # absolute branch/call targets
          gsub("<" fn "[+]", "<" self "+")                    # own name -> SELF (keeps +off)
          gsub("<" fn ">", "<" self ">")
          lines[++n] = $0
        }
        END {
          last = n                                           # drop trailing alignment padding
          while (last > 0 && lines[last] ~ /^((data16|cs|ds)[[:space:]]+)*(nop[wlq]?|xchg[[:space:]]+%ax,%ax)([[:space:]]|$)/) last--
          for (i = 1; i <= last; i++) { gsub(/[[:space:]]+/, " ", lines[i]); print lines[i] }
        }'
  done
}

status=0
while [ $# -ge 2 ]; do
  a=$1 b=$2
  shift 2
  code_a=$(normalised "$a")
  code_b=$(normalised "$b")
  for pair in "$a:$code_a" "$b:$code_b"; do
    if [ -z "${pair#*:}" ]; then
      echo "compare_disassembly: no instructions found for '${pair%%:*}' in $object" >&2
      exit 2
    fi
  done
  count=$(printf '%s\n' "$code_a" | grep -vc '^ *reloc ')
  if [ "$code_a" = "$code_b" ]; then
    if [ $expect_different -eq 1 ]; then
      echo "FAIL: $a and $b compile to the same $count instructions, but they must differ:"
      printf '%s\n' "$code_a" | sed 's/^/    /'
      status=1
    else
      echo "ok: $a and $b are the same $count instructions"
    fi
  else
    if [ $expect_different -eq 1 ]; then
      echo "ok: $a and $b differ, as they must"
    else
      echo "FAIL: $a and $b compile to different code"
      echo "--- $a"
      printf '%s\n' "$code_a" | sed 's/^/    /'
      echo "--- $b"
      printf '%s\n' "$code_b" | sed 's/^/    /'
      echo "--- diff"
      diff -u <(printf '%s\n' "$code_a") <(printf '%s\n' "$code_b") | tail -n +3
      status=1
    fi
  fi
done
exit $status
