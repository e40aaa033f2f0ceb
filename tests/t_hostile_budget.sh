# t_hostile_budget.sh: the hostile-input corpus, tests/hostile/budget.cases
# (tests/hostile/README.md: what each case asserts, how to add one).
set -- budget
. tests/hostile/run.sh
