# Sourced by bench/alternate.sh (bench:groups) and bench/start-alternate.sh (bench:start), inside the
# benchmark's container (copied to /bench/). The caller defines two functions and then calls
# `alternate_main "$@"`:
#   restore CANDIDATE   brings back the state a run of CANDIDATE starts from (may set variables the
#                       run uses); called before every run, outside the timed span
#   run CANDIDATE       runs it once, with the command in the array "${cmd[@]}"
# and gets these modes:
#   SCRIPT ROUNDS CANDIDATE...   one line per run on stdout: "<round> <candidate> <wall µs> <cpu µs>"
#   SCRIPT --show CANDIDATE [COMMAND...]   one run that ends in COMMAND (default `id`) instead of
#                                `true`; prints its output
#   SCRIPT --save                saves the pristine state (account files, home, sudoers.d) to
#                                /bench/pristine, once, before the first run
# Candidates alternate, in forward order on odd rounds and reverse order on even ones, so slow drifts
# of the machine fall on all of them alike. The clock is bash's $EPOCHREALTIME around fork + exec +
# wait of the candidate: no process is started for the clock. CPU time is the user + system time of
# the run's processes (bash's `times`, from getrusage of the waited-for children): less disturbed by
# other load on the machine than the wall clock, which includes waiting for a core. stdout and
# stderr of a run are pipes,
# as under a container engine (conmon), drained by two long-lived cats: a program's stdio set-up
# costs differ between a pipe and a file or /dev/null.
set -euo pipefail

PRISTINE=/bench/pristine

# The last lines of stderr, after a failed run.
show_err() {
  sleep 0.5
  tail -n 20 /tmp/bench-run.err >&2
}

# Saves what every run starts from: the account files with shadow-utils' backups (and subuid/subgid,
# which Debian's useradd extends), /etc/sudoers.d, and the template home.
save_pristine() {
  mkdir -p "$PRISTINE/etc" "$PRISTINE/home"
  cd /etc
  for f in passwd group shadow gshadow passwd- group- shadow- gshadow- subuid subgid subuid- subgid-; do
    if [[ -e $f ]]; then cp -a "$f" "$PRISTINE/etc/"; fi
  done
  cp -a /etc/sudoers.d "$PRISTINE/sudoers.d"
  cp -a /home/jovyan "$PRISTINE/home/"
  test -f "$PRISTINE/etc/gshadow"
}

# The account files, /etc/sudoers.d and /home as saved; the working directory is the image's WORKDIR
# (/home/jovyan), where a container starts.
restore_accounts() {
  cd /
  rm -f /etc/.*.nbstart-tmp /etc/*.lock /etc/*+ /etc/.pwd.lock
  cp -a "$PRISTINE/etc/." /etc/
  rm -rf /etc/sudoers.d /home/*
  cp -a "$PRISTINE/sudoers.d" /etc/sudoers.d
  cp -a "$PRISTINE/home/jovyan" /home/jovyan
  sync
  cd /home/jovyan
}

# The user + system time of all waited-for children so far, in µs, into $children_us.
children_cpu() {
  local u s
  # Not $(times): a command substitution forks, and a fork has no children of its own.
  times >/tmp/bench-times
  { read -r _ _; read -r u s; } </tmp/bench-times
  seconds_us "$u"
  children_us=$us
  seconds_us "$s"
  children_us=$(( children_us + us ))
}

# "1m2.345s" -> microseconds, into $us (no command substitution: it would fork, and count).
seconds_us() {
  local m=${1%%m*} rest=${1#*m}
  rest=${rest%s}
  us=$(( (10#$m * 60 + 10#${rest%.*}) * 1000000 + 10#${rest#*.} * 1000 ))
}

alternate_main() {
  exec 3> >(cat >/dev/null) 4> >(cat >>/tmp/bench-run.err)
  if [[ ${1:-} == --save ]]; then
    save_pristine
    return 0
  fi
  if [[ ${1:-} == --show ]]; then
    local c=$2
    shift 2
    cmd=("$@")
    if (( ${#cmd[@]} == 0 )); then cmd=(id); fi
    restore "$c"
    : >/tmp/bench-run.err
    run "$c" 2>&4 || { echo "$0: $c failed:" >&2; show_err; exit 1; }
    restore "$c"
    return 0
  fi
  cmd=(true)
  local rounds=$1
  shift
  local candidates=("$@") order r i c t0 t1 c0 children_us us
  (( rounds >= 1 && rounds <= 1000 )) || { echo "$0: ROUNDS must be 1..1000" >&2; exit 2; }
  for (( r = 1; r <= rounds; r++ )); do
    order=("${candidates[@]}")
    if (( r % 2 == 0 )); then
      order=()
      for (( i = ${#candidates[@]} - 1; i >= 0; i-- )); do order+=("${candidates[i]}"); done
    fi
    for c in "${order[@]}"; do
      restore "$c"
      : >/tmp/bench-run.err
      children_cpu
      c0=$children_us
      t0=$EPOCHREALTIME
      if ! run "$c" >&3 2>&4; then
        echo "$0: $c failed in round $r:" >&2
        show_err
        exit 1
      fi
      t1=$EPOCHREALTIME
      children_cpu
      echo "$r $c $(( ${t1/./} - ${t0/./} )) $(( children_us - c0 ))"
    done
  done
  restore "${candidates[0]}"
}
