#!/usr/bin/env bash
# The facade guard (docs/design.md): toolbox code — src/ and include/spindle/ — touches shared
# memory and blocks only through spindle::twist. This fails, listing file:line, if toolbox code
# names std::atomic, std::thread, std::this_thread, std::mutex, std::condition_variable (or
# their <headers>), a raw futex syscall, or an OS sleep.
#
# usage: check_facade_use.sh <repository root>
set -u
root=${1:?usage: check_facade_use.sh <repository root>}
dirs=()
for d in "$root/src" "$root/include/spindle"; do [ -d "$d" ] && dirs+=("$d"); done
[ ${#dirs[@]} -gt 0 ] || { echo "guard: no toolbox sources under $root"; exit 2; }

forbidden='std::(atomic|atomic_flag|atomic_thread_fence|jthread|thread|this_thread|mutex|recursive_mutex|shared_mutex|timed_mutex|condition_variable(_any)?|counting_semaphore|binary_semaphore|latch|barrier)\b'
forbidden+='|#[[:space:]]*include[[:space:]]*<(atomic|thread|mutex|shared_mutex|condition_variable|semaphore|latch|barrier|stop_token)>'
forbidden+='|\bSYS_futex\b|\bFUTEX_(WAIT|WAKE)|\bsyscall[[:space:]]*\(|\bWaitOnAddress\b|\bWakeByAddress'
forbidden+='|\b(usleep|nanosleep|clock_nanosleep|sched_yield|pthread_mutex_[a-z_]+|pthread_cond_[a-z_]+|pthread_create)[[:space:]]*\('
forbidden+='|(^|[^_[:alnum:]:.])sleep[[:space:]]*\(|\bSleep[[:space:]]*\('

# Comments may mention the forbidden names (to explain the rule): strip // comments first.
hits=""
while IFS= read -r -d '' file; do
  found=$(sed -E 's#//.*$##' "$file" | grep -nE "$forbidden")
  [ -n "$found" ] && hits+=$(printf '%s\n' "$found" | sed "s#^#$file:#")$'\n'
done < <(find "${dirs[@]}" -type f \( -name '*.hpp' -o -name '*.cpp' -o -name '*.h' -o -name '*.ipp' \) -print0)
if [ -n "$hits" ]; then
  echo "facade guard: toolbox code must use spindle::twist instead of these:"
  printf "%s" "$hits"
  exit 1
fi
echo "facade guard: ok (${dirs[*]})"
