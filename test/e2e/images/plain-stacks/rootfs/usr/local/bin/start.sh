#!/bin/sh
# Stub of docker-stacks' start.sh: says that it ran, then runs its arguments (bash by default).
echo "plain-stacks start.sh ran" >&2
[ $# -gt 0 ] || set -- bash
exec "$@"
