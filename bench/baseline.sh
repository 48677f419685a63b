#!/bin/bash
# The baseline of bench/groups.ts: nbstart's job done the way jupyter/docker-stacks' start.sh does it,
# with shadow-utils (one command per change, each rewriting the account files) and `exec sudo`.
# Written for the benchmark, not copied. Same input as nbstart: NB_USER, NB_UID, NB_GID and
# NBSTART_GROUPS=name:gid,... ; the arguments are the command. Run as root.
set -euo pipefail

template=jovyan
user=${NB_USER:?} uid=${NB_UID:?} gid=${NB_GID:?}

# The primary group, named after the user, unless the gid exists already.
getent group "$gid" >/dev/null || groupadd -g "$gid" "$user"
# New uid and gid; usermod also gives the home's files of the old uid to the new one.
usermod -u "$uid" -g "$gid" "$template"
# New name and home; the template home stays where the image put it and the new path links to it.
usermod -l "$user" -d "/home/$user" "$template"
[ -e "/home/$user" ] || ln -s "/home/$template" "/home/$user"
# The image's primary group stays a supplementary one (as start.sh's `useradd --groups 100`).
usermod -aG users "$user"

# Every supplementary group: create it when missing, then add the user to it.
if [ -n "${NBSTART_GROUPS:-}" ]; then
  IFS=, read -ra pairs <<<"$NBSTART_GROUPS"
  for pair in "${pairs[@]}"; do
    groupadd -f -g "${pair##*:}" "${pair%%:*}"
    usermod -aG "${pair%%:*}" "$user"
  done
fi

export HOME="/home/$user" USER="$user" LOGNAME="$user" XDG_CACHE_HOME="/home/$user/.cache"
unset NBSTART_GROUPS
exec sudo --preserve-env --set-home --user "$user" PATH="$PATH" "$@"
