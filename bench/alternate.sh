#!/bin/bash
# Runs inside the container of bench/groups.ts (copied to /bench/, with alternate-lib.sh, which has
# the round loop, the clock and the modes). Every run starts from the same pristine account state.
#   alternate.sh ROUNDS CANDIDATE...   prints one line per run: "<round> <candidate> <microseconds>"
#   alternate.sh --show CANDIDATE      one run that ends in `id` instead of `true`; prints its output
#   alternate.sh --save                saves the pristine state, before the first run
# CANDIDATE: nbstart@N, baseline@N or other@N (N supplementary groups, from /bench/groups/N; other
# is a second nbstart build given with --also), hello (dist/hello, the SEA hello-world) or node-hello
# (plain node running build/hello.cjs).
source /bench/alternate-lib.sh

# The pristine accounts and home, then the candidate's groups into $groups (before the clock
# starts: both starters get them in the environment, as a container engine would pass them).
restore() {
  restore_accounts
  groups=''
  if [[ $1 == *@* ]]; then groups=$(</bench/groups/"${1#*@}"); fi
}

# Runs one candidate; the person is the same for both starters, and so is the command.
run() {
  case ${1%@*} in
    nbstart) NB_USER=alice NB_UID=1010 NB_GID=1010 NBSTART_GROUPS=$groups /usr/local/bin/nbstart "${cmd[@]}" ;;
    other) NB_USER=alice NB_UID=1010 NB_GID=1010 NBSTART_GROUPS=$groups /bench/other "${cmd[@]}" ;;
    baseline) NB_USER=alice NB_UID=1010 NB_GID=1010 NBSTART_GROUPS=$groups bash /bench/baseline.sh "${cmd[@]}" ;;
    hello) /bench/hello ;;
    node-hello) /bench/node /bench/hello.cjs ;;
    *) echo "alternate.sh: unknown candidate $1" >&2; return 2 ;;
  esac
}

alternate_main "$@"
