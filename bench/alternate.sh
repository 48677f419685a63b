#!/bin/bash
# Runs inside the container of bench/groups.ts (copied to /bench/). Every run starts from the same
# pristine account state; candidates alternate, in forward order on odd rounds and reverse order on
# even ones, so slow drifts of the machine fall on all of them alike.
#   alternate.sh ROUNDS CANDIDATE...   prints one line per run: "<round> <candidate> <microseconds>"
#   alternate.sh --show CANDIDATE      one run that ends in `id` instead of `true`; prints its output
# CANDIDATE: nbstart@N, baseline@N or other@N (N supplementary groups, from /bench/groups/N; other
# is a second nbstart build given with --also), hello (dist/hello, the SEA hello-world) or node-hello
# (plain node running build/hello.cjs).
# The clock is bash's $EPOCHREALTIME around fork+exec+wait of the candidate: no process is started
# for the clock, and restoring the state between runs is outside the timed span.
# stdout and stderr are pipes, as under a container engine (conmon), drained by two long-lived cats:
# a program's stdio setup costs differ between a pipe and a file or /dev/null.
set -euo pipefail
exec 3> >(cat >/dev/null) 4> >(cat >>/tmp/bench-run.err)

# The last lines of stderr, after a failed run.
show_err() {
  sleep 0.5
  tail -n 20 /tmp/bench-run.err >&2
}

# The pristine state (saved by bench/groups.ts in /bench/pristine before the first run) comes back
# before every run: the account files with shadow-utils' backups, and the template home.
restore() {
  cd /
  rm -f /etc/.*.nbstart-tmp /etc/*.lock /etc/*+
  cp -a /bench/pristine/etc/. /etc/
  rm -rf /home/alice /home/jovyan
  cp -a /bench/pristine/home/jovyan /home/jovyan
  sync
  # Where a container starts (the image's WORKDIR); nbstart moves along to the new home.
  cd /home/jovyan
}

# Reads a candidate's groups into $groups (before the clock starts: both starters get them in the
# environment, as a container engine would pass them).
load_groups() {
  groups=''
  if [[ $1 == *@* ]]; then groups=$(</bench/groups/"${1#*@}"); fi
}

# Runs one candidate; the person is the same for both starters, and so is the command.
run() {
  case ${1%@*} in
    nbstart) NB_USER=alice NB_UID=1010 NB_GID=1010 NBSTART_GROUPS=$groups /usr/local/bin/nbstart "$command" ;;
    other) NB_USER=alice NB_UID=1010 NB_GID=1010 NBSTART_GROUPS=$groups /bench/other "$command" ;;
    baseline) NB_USER=alice NB_UID=1010 NB_GID=1010 NBSTART_GROUPS=$groups bash /bench/baseline.sh "$command" ;;
    hello) /bench/hello ;;
    node-hello) /bench/node /bench/hello.cjs ;;
    *) echo "alternate.sh: unknown candidate $1" >&2; return 2 ;;
  esac
}

if [[ ${1:-} == --show ]]; then
  command=id
  restore
  load_groups "$2"
  : >/tmp/bench-run.err
  run "$2" 2>&4 || { echo "alternate.sh: $2 failed:" >&2; show_err; exit 1; }
  restore
  exit 0
fi

command=true
rounds=$1
shift
candidates=("$@")
(( rounds >= 1 && rounds <= 1000 )) || { echo "alternate.sh: ROUNDS must be 1..1000" >&2; exit 2; }
for (( r = 1; r <= rounds; r++ )); do
  order=("${candidates[@]}")
  if (( r % 2 == 0 )); then
    order=()
    for (( i = ${#candidates[@]} - 1; i >= 0; i-- )); do order+=("${candidates[i]}"); done
  fi
  for c in "${order[@]}"; do
    restore
    load_groups "$c"
    : >/tmp/bench-run.err
    t0=$EPOCHREALTIME
    if ! run "$c" >&3 2>&4; then
      echo "alternate.sh: $c failed in round $r:" >&2
      show_err
      exit 1
    fi
    t1=$EPOCHREALTIME
    echo "$r $c $(( ${t1/./} - ${t0/./} ))"
  done
done
restore
