# t_hostile_widths.sh: the hostile-input corpus, tests/hostile/widths.cases
# (tests/hostile/README.md: what each case asserts, how to add one).
set -- widths
. tests/hostile/run.sh
