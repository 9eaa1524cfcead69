#!/bin/sh
# squad-sample entrypoint (PID 1 of the container, busybox sh).
#
# Serves HTTP on 127.0.0.1:$PORT with busybox nc in persistent-server mode: every connection forks and
# runs /app/handler.sh with the socket on stdin/stdout. (busybox httpd cannot be used: Debian's build
# has no reverse-proxy feature and runs CGI only under /cgi-bin/, so /health and /metrics could not be
# scripts.) busybox nc uses the number of -l flags as the listen backlog; 64 keeps wrk from stalling.
#
# State lives in $SQUAD_STATE_DIR (default /tmp/squad, inside the container):
#   requests.log   one line "<status> <duration in 1/100 s>" appended per request on / or /api
#   started_cs     /proc/uptime (1/100 s) when the service started, for START_DELAY_S
#   knobs/NAME     optional runtime override of a knob (written by `docker exec`), else the env var
S=${SQUAD_STATE_DIR:-/tmp/squad}
PORT=${PORT:-8080}
export SQUAD_STATE_DIR="$S" PORT
mkdir -p "$S/knobs"
: > "$S/requests.log"
read -r up _ < /proc/uptime
echo "${up%%.*}${up#*.}" > "$S/started_cs"

# PID 1 ignores SIGTERM unless it has a handler: forward it so `docker stop` is quick.
trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT
nc -llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll -p "$PORT" 127.0.0.1 -e "${SQUAD_HANDLER:-/app/handler.sh}" &
pid=$!
wait "$pid"
rc=$?
echo "squad-sample: listener on 127.0.0.1:$PORT exited with status $rc (port in use?)" >&2
exit "$rc"
