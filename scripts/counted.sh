# shellcheck shell=bash
# Sourced by scripts/test.sh and lab/test.sh: the CPU a command used.
#
# counted FILE COMMAND...: runs COMMAND in a subshell of its own, which
# writes bash's `times` to FILE after it: the CPU of the processes that
# subshell waited for, COMMAND's alone. (Read in the caller's shell, `times`
# would also count any background job reaped meanwhile, e.g. the lab lane in
# whichever step ran when it ended.) Returns COMMAND's status.
counted() {
  local file=$1; shift
  ( "$@"; rc=$?; times >"$file"; exit $rc )
}

# cpu_of FILE: the CPU seconds (user + system of the children) in what
# `counted` wrote, "?" when there is nothing.
cpu_of() {
  # times' second line: "XmY.YYYs XmZ.ZZZs"
  awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); c = u[1] * 60 + u[2] + s[1] * 60 + s[2] }
       END { if (c == "") print "?"; else printf "%d\n", c }' "$1" 2>/dev/null || echo "?"
}
