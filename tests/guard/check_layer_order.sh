#!/usr/bin/env bash
# The layer guard (docs/design.md, "Layers"): the tree is the layer diagram, and no include runs
# upward. Layers, bottom-up, and the folders that hold them:
#
#   0 base     base/        1 context  context/     2 sim      sim/
#   3 twist    twist/       4 testing  testing/     5 toolbox  include/ src/
#
# Each `#include <spindle/...>` in a layer's files is resolved to the layer folder that holds the
# header (generated headers: spindle/base/build_config.hpp is base's); a file may include its
# own layer or a lower one. Fails listing file:line -> header (layer) for every upward include,
# and for a spindle header that no layer holds.
#
# usage: check_layer_order.sh <repository root>
set -u
root=${1:?usage: check_layer_order.sh <repository root>}
layers=(base context sim twist testing toolbox)
include_dir() {  # the include/ folder of a layer
  case $1 in toolbox) echo "$root/include" ;; *) echo "$root/$1/include" ;; esac
}
source_dirs() {  # the folders whose files belong to a layer
  case $1 in toolbox) echo "$root/include $root/src" ;; *) echo "$root/$1" ;; esac
}
rank_of() { local i; for i in "${!layers[@]}"; do [ "${layers[$i]}" = "$1" ] && echo "$i"; done; }
# The layer that holds <spindle/...> header $1 (empty when none does).
layer_holding() {
  case $1 in spindle/base/build_config.hpp) echo base; return ;; esac
  local layer
  for layer in "${layers[@]}"; do
    [ -f "$(include_dir "$layer")/$1" ] && { echo "$layer"; return; }
  done
}

hits=""
checked=0
for layer in "${layers[@]}"; do
  rank=$(rank_of "$layer")
  dirs=()
  for d in $(source_dirs "$layer"); do [ -d "$d" ] && dirs+=("$d"); done
  [ ${#dirs[@]} -gt 0 ] || continue
  while IFS= read -r -d '' file; do
    while IFS=: read -r line header; do
      [ -n "$header" ] || continue
      checked=$((checked + 1))
      target=$(layer_holding "$header")
      if [ -z "$target" ]; then
        hits+="${file#$root/}:$line -> <$header> (no layer holds it)"$'\n'
      elif [ "$(rank_of "$target")" -gt "$rank" ]; then
        hits+="${file#$root/}:$line -> <$header> ($target, above $layer)"$'\n'
      fi
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<spindle/[^>]+>' "$file" \
               | sed -E 's/^([0-9]+):.*<(spindle\/[^>]+)>.*/\1:\2/')
  done < <(find "${dirs[@]}" -type f \( -name '*.hpp' -o -name '*.cpp' -o -name '*.h' -o -name '*.S' \
             -o -name '*.in' \) -print0)
done
if [ -n "$hits" ]; then
  echo "layer guard: these includes run upward (docs/design.md, \"Layers\"):"
  printf "%s" "$hits"
  exit 1
fi
[ "$checked" -gt 0 ] || { echo "layer guard: no spindle includes found under $root"; exit 2; }
echo "layer guard: ok ($checked spindle includes, none upward)"
