# t_hostile_files.sh: the hostile-input corpus, tests/hostile/files.cases
# (tests/hostile/README.md: what each case asserts, how to add one).
set -- files
. tests/hostile/run.sh
