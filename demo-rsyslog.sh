#!/usr/bin/env bash
# Sluice demo (receiving half, until the appenders land): a real rsyslog forwards numbered messages
# over RELP to Sluice's RELP test server; the server is killed with kill -9 mid-stream and started
# again on the same port; RELP's acknowledgements make rsyslog resend what was not acknowledged.
# Usage: ./demo-rsyslog.sh [MESSAGES]   (default 20000). Needs JDK 17+, Maven, and rsyslog with rsyslog-relp.
set -euo pipefail
cd "$(dirname "$0")"
N=${1:-20000}

rsyslogd=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
if [ ! -x "$rsyslogd" ] || ! ls /usr/lib/*/rsyslog/omrelp.so >/dev/null 2>&1; then
  echo "demo: needs rsyslogd with omrelp (Debian: apt-get install rsyslog rsyslog-relp)" >&2
  exit 1
fi

echo "demo: building (mvn -B -q package -DskipTests) ..."
mvn -B -q package -DskipTests
jar=relp-test-server/target/sluice-relp-test-server.jar

work=$(mktemp -d -t sluice-demo.XXXXXX)
server_pid=""; rsyslog_pid=""
cleanup() {
  [ -n "$rsyslog_pid" ] && kill "$rsyslog_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

out="$work/received.log"
start_server() { # $1 = port (0 = any free one)
  java -jar "$jar" --port "$1" --out "$out" 2>>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*listening on [^:]*:\([0-9]*\).*/\1/p' "$work/server.err" | tail -n 1)
    if [ -n "$port" ] && [ "$(grep -c 'listening on' "$work/server.err")" -ge "$2" ]; then return 0; fi
    sleep 0.1
  done
  echo "demo: the test server did not start:" >&2; cat "$work/server.err" >&2; exit 1
}
start_server 0 1
relp_port=$port
echo "demo: RELP test server listening on 127.0.0.1:$relp_port (pid $server_pid), writing $out"

# A private rsyslog: imptcp in, omrelp out to the test server. Its own config, work dir and pid file.
tcp_port=""
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 30000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then tcp_port=$p; break; fi
done
mkdir -p "$work/rsyslog"
cat > "$work/rsyslog/rsyslog.conf" <<CONF
global(workDirectory="$work/rsyslog" processInternalMessages="on")
module(load="imptcp")
module(load="omrelp")
input(type="imptcp" address="127.0.0.1" port="$tcp_port" ruleset="fwd")
ruleset(name="fwd") {
  action(type="omrelp" target="127.0.0.1" port="$relp_port" windowSize="128" timeout="10" conn.timeout="5"
         queue.type="LinkedList" queue.size="200000" action.resumeRetryCount="-1" action.resumeInterval="1")
}
if \$inputname == "rsyslogd" then { action(type="omfile" file="$work/rsyslog/internal.log") stop }
CONF
"$rsyslogd" -n -f "$work/rsyslog/rsyslog.conf" -i "$work/rsyslog/rsyslogd.pid" >"$work/rsyslog/out.log" 2>&1 &
rsyslog_pid=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$tcp_port") 2>/dev/null && break; sleep 0.1; done
echo "demo: rsyslogd (pid $rsyslog_pid) takes syslog on tcp/$tcp_port and forwards with omrelp"

echo "demo: sending $N numbered messages into rsyslog ..."
seq 0 $((N - 1)) | awk '{ printf "<134>1 2026-11-27T09:00:00.000000+00:00 demohost billing - seq - seq=%d\n", $1 }' \
  > "/dev/tcp/127.0.0.1/$tcp_port"

lines() { [ -f "$out" ] && wc -l < "$out" | tr -d ' ' || echo 0; }
until [ "$(lines)" -ge $((N / 3)) ]; do sleep 0.1; done
echo "demo: $(lines) received -> kill -9 of the test server (pid $server_pid)"
kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null || true
start_server "$relp_port" 2
echo "demo: test server restarted on the same port (pid $server_pid)"

distinct() { grep -o 'seq=[0-9]*$' "$out" | sort -u | wc -l | tr -d ' '; }
deadline=$((SECONDS + 180))
while [ "$(distinct)" -lt "$N" ] && [ $SECONDS -lt $deadline ]; do
  printf '\rdemo: %s received, %s distinct' "$(lines)" "$(distinct)"; sleep 0.5
done
received=$(lines); uniq=$(distinct)
printf '\n\n%-12s %10s\n' "sent" "$N"
printf '%-12s %10s\n' "received" "$received" "distinct" "$uniq" "duplicates" "$((received - uniq))" "lost" "$((N - uniq))"
[ "$uniq" -eq "$N" ] && echo "demo: zero lost." || { echo "demo: $((N - uniq)) lost" >&2; exit 1; }
