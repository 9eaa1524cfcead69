#!/bin/sh
# squad-sample request handler: one HTTP request per run, the client socket on stdin/stdout.
#
#   GET /health        {"status":"healthy","version":"<VERSION>","services":{"postgres":"connected","redis":"connected"}}
#                      200 when healthy, 503 when degraded/unhealthy (HEALTH_CODE overrides the code)
#   GET /health/ready  200 "ready", 503 "starting" until START_DELAY_S seconds after start
#   GET /metrics       Prometheus text: http_requests_total{status=...}, http_request_duration_seconds
#                      histogram, squad_sample_info{version=...}; counts only requests on / and /api
#   GET / and /api...  {"service":"squad-sample","version":"<VERSION>","status":"ok"}; ERROR_RATE % of them
#                      answer 500 (spread evenly: the n-th request fails when floor(n*rate/100) steps up)
#
# Knobs (env vars, or a file $SQUAD_STATE_DIR/knobs/NAME that overrides the env var at run time):
#   VERSION, HEALTH_STATUS (healthy|degraded|unhealthy), HEALTH_CODE, SERVICES_POSTGRES, SERVICES_REDIS
#   (connected|disconnected; a disconnected service turns "healthy" into "degraded"), ERROR_RATE (0-100),
#   LATENCY_MS (added to / and /api), HEALTH_LATENCY_MS (added to /health; large = hang), START_DELAY_S.
# Plain POSIX sh + busybox applets; no locks: each request appends one short line (O_APPEND is atomic).
S=${SQUAD_STATE_DIR:-/tmp/squad}
read -r up _ < /proc/uptime
t0=${up%%.*}${up#*.}

knob() { # knob NAME DEFAULT -> $_v
	if [ -f "$S/knobs/$1" ]; then
		read -r _v < "$S/knobs/$1"
	else
		eval "_v=\${$1:-\$2}"
	fi
}

respond() { # respond CODE CONTENT-TYPE BODY
	case $1 in
		200) r="OK" ;; 404) r="Not Found" ;; 405) r="Method Not Allowed" ;;
		500) r="Internal Server Error" ;; 503) r="Service Unavailable" ;; *) r="Status $1" ;;
	esac
	b=$3
	[ "$method" = HEAD ] && b=
	printf 'HTTP/1.1 %s %s\r\nContent-Type: %s\r\nContent-Length: %s\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n%s' \
		"$1" "$r" "$2" "${#3}" "$b"
}

started() {
	knob START_DELAY_S 0
	[ "${_v:-0}" -le 0 ] && return 0
	read -r s < "$S/started_cs"
	[ $((t0 - s)) -ge $((_v * 100)) ]
}

pause_ms() {
	[ "${1:-0}" -gt 0 ] && usleep $(($1 * 1000))
	return 0
}

health() {
	knob HEALTH_LATENCY_MS 0; pause_ms "$_v"
	knob VERSION unknown; ver=$_v
	knob HEALTH_STATUS healthy; st=$_v
	knob SERVICES_POSTGRES connected; pg=$_v
	knob SERVICES_REDIS connected; rd=$_v
	started || st=unhealthy
	if [ "$st" = healthy ] && { [ "$pg" != connected ] || [ "$rd" != connected ]; }; then st=degraded; fi
	if [ "$st" = healthy ]; then code=200; else code=503; fi
	knob HEALTH_CODE ""; [ -n "$_v" ] && code=$_v
	respond "$code" application/json "{\"status\":\"$st\",\"version\":\"$ver\",\"services\":{\"postgres\":\"$pg\",\"redis\":\"$rd\"}}"
}

ready() {
	if started; then respond 200 text/plain ready; else respond 503 text/plain starting; fi
}

app() {
	knob LATENCY_MS 0; pause_ms "$_v"
	knob VERSION unknown; ver=$_v
	knob ERROR_RATE 0; rate=${_v:-0}
	code=200
	if [ "$rate" -gt 0 ]; then
		n=$(($(wc -l < "$S/requests.log") + 1))
		[ $((n * rate / 100)) -gt $(((n - 1) * rate / 100)) ] && code=500
	fi
	started || code=503
	read -r up _ < /proc/uptime
	echo "$code $((${up%%.*}${up#*.} - t0))" >> "$S/requests.log"
	case $code in
		200) respond 200 application/json "{\"service\":\"squad-sample\",\"version\":\"$ver\",\"status\":\"ok\"}" ;;
		*) respond "$code" application/json "{\"service\":\"squad-sample\",\"version\":\"$ver\",\"error\":\"injected failure\"}" ;;
	esac
}

metrics() {
	knob VERSION unknown
	body=$(awk -v ver="$_v" '
BEGIN { nb = split("0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10", b, " "); c["200"] = 0; c["500"] = 0 }
NF >= 2 { c[$1]++; n++; d = $2 / 100; sum += d; for (i = 1; i <= nb; i++) if (d <= b[i] + 0) bc[i]++ }
END {
	print "# HELP http_requests_total Requests served on / and /api, by HTTP status."
	print "# TYPE http_requests_total counter"
	for (s in c) printf "http_requests_total{status=\"%s\"} %d\n", s, c[s]
	print "# HELP http_request_duration_seconds Duration of requests served on / and /api."
	print "# TYPE http_request_duration_seconds histogram"
	for (i = 1; i <= nb; i++) printf "http_request_duration_seconds_bucket{le=\"%s\"} %d\n", b[i], bc[i]
	printf "http_request_duration_seconds_bucket{le=\"+Inf\"} %d\n", n
	printf "http_request_duration_seconds_sum %.2f\n", sum
	printf "http_request_duration_seconds_count %d\n", n
	print "# HELP squad_sample_info Version of the squad-sample service."
	print "# TYPE squad_sample_info gauge"
	printf "squad_sample_info{version=\"%s\"} 1\n", ver
}' "$S/requests.log")
	respond 200 "text/plain; version=0.0.4; charset=utf-8" "$body
"
}

# Request line, then headers up to the blank line; the body (if any) is read too, so that closing the
# socket never resets the connection under the client.
read -r method target _proto || exit 0
clen=0
while read -r h; do
	[ ${#h} -le 1 ] && break
	case $h in
		[Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Ll][Ee][Nn][Gg][Tt][Hh]:*) v=${h#*:}; clen=$((${v%?})) ;;
	esac
done
[ "$clen" -gt 0 ] && head -c "$clen" > /dev/null

path=${target%%\?*}
case $path in
	/health) health ;;
	/health/ready) ready ;;
	/metrics) metrics ;;
	/ | /api | /api/*) app ;;
	*) respond 404 text/plain "not found" ;;
esac
