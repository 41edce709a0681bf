# The CPU seconds of the children in bash's `times` output (its second line,
# "XmY.YYYs XmZ.ZZZs": user and system), for scripts/test.sh and lab/test.sh.
NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }
