#!/bin/bash
# Runs inside the container of bench/start.ts (copied to /bench/, with alternate-lib.sh, which has the
# round loop, the clock and the modes): nbstart against docker-stacks' own start.sh, which bench/start.ts
# copied to /usr/local/bin/ (with run-hooks.sh and _docker_stacks_log.sh, where start.sh sources them).
#   start-alternate.sh ROUNDS CANDIDATE...         one line per run: "<round> <candidate> <microseconds>"
#   start-alternate.sh --show CANDIDATE [COMMAND]  one run ending in COMMAND (default `id`); its output
#   start-alternate.sh --save                      saves the pristine state, before the first run
# CANDIDATE: STARTER@SCENARIO, hello (dist/hello, a hello-world SEA built like nbstart: the floor) or
# version (`nbstart --version`, which must cost no more than a start).
#   STARTER   nbstart (/usr/local/bin/nbstart), start.sh (/usr/local/bin/start.sh), other (a second
#             nbstart build, /bench/other, from --also)
#   SCENARIO  none     the image's own user (NB_USER=jovyan NB_UID=1000 NB_GID=100): nothing to change
#             rename   NB_USER=alice
#             ids      NB_UID=1010 NB_GID=1010
#             chown    NB_USER=alice NB_UID=1010 NB_GID=1010 CHOWN_HOME=yes
#             groups   alice 1010:1010 with 200 groups: nbstart reads them from an auth_state file
#                      (/bench/auth_state.json); start.sh has no such input, so a before-notebook.d
#                      script (/bench/stacks-groups.sh, as an image author would write it) adds them
#                      from BENCH_GROUPS=name:gid,...
#             hooksN   nothing to change, N sourced (*.sh) and N executable scripts in before-notebook.d
source /bench/alternate-lib.sh

HOOKS=/usr/local/bin/before-notebook.d

# The pristine accounts, home and an empty before-notebook.d, then the scenario's scripts and
# environment ($envs, exported by run).
restore() {
  restore_accounts
  rm -rf "${HOOKS:?}"/*
  local starter=${1%@*} scenario=${1#*@}
  envs=(NB_USER=jovyan NB_UID=1000 NB_GID=100)
  case $scenario in
    none | hello | version) ;;
    rename) envs=(NB_USER=alice NB_UID=1000 NB_GID=100) ;;
    ids) envs=(NB_USER=jovyan NB_UID=1010 NB_GID=1010) ;;
    chown) envs=(NB_USER=alice NB_UID=1010 NB_GID=1010 CHOWN_HOME=yes) ;;
    groups)
      envs=(NB_USER=alice NB_UID=1010 NB_GID=1010)
      if [[ $starter == start.sh ]]; then
        envs+=("BENCH_GROUPS=$(</bench/groups.txt)")
        cp /bench/stacks-groups.sh "$HOOKS/50-mirror-groups.sh"
      else
        envs+=(NBSTART_AUTH_STATE_FILE=/bench/auth_state.json)
      fi
      ;;
    hooks*)
      local n=${scenario#hooks} i
      for (( i = 1; i <= n; i++ )); do
        printf -v k %02d "$i"
        cp /bench/hook-sourced.sh "$HOOKS/$k-sourced.sh"
        sed -i "s/@N@/$k/" "$HOOKS/$k-sourced.sh"
        cp /bench/hook-exec "$HOOKS/$k-exec"
      done
      ;;
    *) echo "start-alternate.sh: unknown scenario in $1" >&2; return 2 ;;
  esac
}

# Runs one candidate in a subshell that exports the scenario's environment and execs the starter,
# so both pay the same fork and exec.
run() {
  case ${1%@*} in
    nbstart) (export "${envs[@]}"; exec /usr/local/bin/nbstart "${cmd[@]}") ;;
    other) (export "${envs[@]}"; exec /bench/other "${cmd[@]}") ;;
    start.sh) (export "${envs[@]}"; exec /usr/local/bin/start.sh "${cmd[@]}") ;;
    hello) /bench/hello ;;
    version) /usr/local/bin/nbstart --version ;;
    *) echo "start-alternate.sh: unknown candidate $1" >&2; return 2 ;;
  esac
}

alternate_main "$@"
