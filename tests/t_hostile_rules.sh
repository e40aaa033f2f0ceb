# t_hostile_rules.sh: the hostile-input corpus, tests/hostile/rules.cases
# (tests/hostile/README.md: what each case asserts, how to add one).
set -- rules
. tests/hostile/run.sh
