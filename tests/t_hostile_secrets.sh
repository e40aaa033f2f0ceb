# t_hostile_secrets.sh: the hostile-input corpus, tests/hostile/secrets.cases
# (tests/hostile/README.md: what each case asserts, how to add one).
set -- secrets
. tests/hostile/run.sh
