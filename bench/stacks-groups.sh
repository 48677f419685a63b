# bench/start.ts, scenario "groups", start.sh only: a before-notebook.d script as an image author would
# write one to give the person their groups, since start.sh itself takes none. Written for the
# benchmark. BENCH_GROUPS=name:gid,... ; start.sh sources it as root after refitting the user.
IFS=, read -ra bench_pairs <<<"${BENCH_GROUPS:-}"
for bench_pair in "${bench_pairs[@]}"; do
  groupadd --force --gid "${bench_pair##*:}" "${bench_pair%%:*}"
  usermod --append --groups "${bench_pair%%:*}" "${NB_USER}"
done
unset bench_pairs bench_pair BENCH_GROUPS
