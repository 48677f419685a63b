# A sourced before-notebook.d script of bench/start.ts (@N@ becomes its number): what image authors
# typically put there, an export that the notebook server sees.
export BENCH_HOOK_@N@=sourced
