#!/usr/bin/env bash
# run.sh: the benchmark of docs/PERFORMANCE.md (`make bench`): start time, RSS, /healthz and the people list over
# 1,000,000 parties (throughput with wrk, latency at a fixed rate with kalem-bench-rate), in-process render time,
# and the agenda's booking throughput (kalem-bench-booking).
#
#   bench/run.sh [BUILD_DIR]          (default: build; configured RelWithDebInfo if it is not yet)
#
# Environment (all optional):
#   KALEM_BENCH_PORT     loopback port of the server under test (18110)
#   KALEM_BENCH_PEOPLE   parties generated (1000000); the database is cached in BUILD_DIR/bench/data/ per count
#                        and made again when the migrations, src/store/parties.c, src/util/turkish.c or the
#                        generator change
#   KALEM_BENCH_QUIET_WAIT  seconds to wait for an idle machine before measuring (300)
#   KALEM_BENCH_SECONDS  seconds of each wrk run (10)
#   KALEM_BENCH_RATE_SECONDS  seconds of each fixed-rate run, the first 5 not counted (30)
#   KALEM_BENCH_APPLICATIONS  0 skips the applications section (issue #4: bench/applications.sh, its own knobs)
#   KALEM_BENCH_BOOKINGS appointments booked per booking run (2000)
# All traffic goes to 127.0.0.1; every run is bounded in time. The full output is kept in BUILD_DIR/bench/last-run.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
PORT=${KALEM_BENCH_PORT:-18110}
PEOPLE=${KALEM_BENCH_PEOPLE:-1000000}
WRK_SECONDS=${KALEM_BENCH_SECONDS:-10}
RATE_SECONDS=${KALEM_BENCH_RATE_SECONDS:-30}
DATA=$BUILD/bench/data
DB=$DATA/people-$PEOPLE.db
PASSWORD='Bench-Admin-Pass-2026'
LOG=$BUILD/bench/last-run.txt
SERVER_PID=

die() { echo "bench: $*" >&2; exit 1; }
for tool in wrk curl awk; do command -v $tool >/dev/null || die "$tool is needed (Debian package $tool)"; done

stop_server() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID"
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	SERVER_PID=
}
trap stop_server EXIT

# ---- build ----
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
	cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
build_type=$(awk -F= '/^CMAKE_BUILD_TYPE:/{print $2}' "$BUILD/CMakeCache.txt")
mkdir -p "$BUILD/bench"
cmake --build "$BUILD" -j "$(nproc)" --target kalem kalem-gen-people kalem-bench-render kalem-bench-rate \
	kalem-bench-booking >"$BUILD/bench/build.log" 2>&1 || { cat "$BUILD/bench/build.log" >&2; die "the build failed"; }
KALEM=$BUILD/kalem
BENCH=$BUILD/bench
mkdir -p "$DATA"
exec > >(tee "$LOG") 2>&1

# ---- data (once per count and version of what writes it) ----
# The rows depend on the schema, the store's write path (search words, sort keys) and the generator: a change to
# any of them makes a new database.
DATA_KEY=$(cat "$ROOT"/migrations/*.sql "$ROOT/src/store/parties.c" "$ROOT/src/util/turkish.c" \
	"$ROOT/bench/gen_people.c" "$ROOT/src/store/demo_people.c" | sha256sum | cut -c1-16)
if [ "$(cat "$DB.done" 2>/dev/null)" != "$DATA_KEY" ]; then
	echo "== generating $PEOPLE parties into $DB (once; cached)"
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.done" "$DATA/demo-users.txt"
	KALEM_ADMIN_PASSWORD=$PASSWORD "$KALEM" --db "sqlite:$DB" init 2>&1 | grep -v ' info '
	"$BENCH/kalem-gen-people" --db "sqlite:$DB" --count "$PEOPLE" 2>&1 | grep -v ' info '
	echo "$DATA_KEY" >"$DB.done"
fi

echo "== machine"
echo "cores: $(nproc); cpu: $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
echo "memory: $(awk '/^MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo); build: $build_type"
echo "database: $DB ($(du -m "$DB" | cut -f1) MiB)"

# ---- start ----
rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }

# ---- what else runs on the machine ----
# The figures are only worth something on an otherwise idle machine: every measured run reports the share of
# the two cores that other processes took meanwhile (all CPU time in /proc/stat, less the server's and the
# load generator's own).
HZ=$(getconf CLK_TCK)
NCPU=$(nproc)
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
TIMES_F=$BUILD/bench/times.txt
child_ticks() { # sets KIDS: CPU ticks of this shell's finished children (bash `times`, run here, not in a subshell)
	times >"$TIMES_F"
	KIDS=$(awk -v hz="$HZ" 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/);
		printf "%d", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * hz }' "$TIMES_F")
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
NOISY=0
measure_begin() { M_T=$(now_ms); M_BUSY=$(busy_ticks); M_SRV=$(proc_ticks "$SERVER_PID"); child_ticks; M_KID=$KIDS; }
measure_end() { # prints the CPU shares of the run just measured; sets OTHER (percent of the machine)
	local t busy srv kid total
	t=$(( $(now_ms) - M_T )); busy=$(( $(busy_ticks) - M_BUSY ))
	child_ticks
	srv=$(( $(proc_ticks "$SERVER_PID") - M_SRV )); kid=$(( KIDS - M_KID ))
	total=$(( t * NCPU * HZ / 1000 )); [ "$total" -gt 0 ] || total=1
	OTHER=$(( (busy - srv - kid) * 100 / total )); [ "$OTHER" -ge 0 ] || OTHER=0
	echo "   cpu of the $NCPU cores: server $(( srv * 100 / total ))%, load generator $(( kid * 100 / total ))%," \
		"other processes ${OTHER}%"
	if [ "$OTHER" -gt 5 ]; then
		NOISY=1
		echo "   WARNING: other processes took ${OTHER}% of the machine: this figure is disturbed"
	fi
}
# Waits (at most KALEM_BENCH_QUIET_WAIT seconds, default 300) for 5 s in which the machine is under 5% busy.
wait_quiet() {
	local waited=0 b0 b1 pct
	while :; do
		b0=$(busy_ticks); sleep 5; b1=$(busy_ticks)
		pct=$(( (b1 - b0) * 100 / (5 * NCPU * HZ) ))
		[ "$pct" -lt 5 ] && { echo "== machine quiet (${pct}% busy)"; return; }
		waited=$(( waited + 5 ))
		if [ "$waited" -ge "${KALEM_BENCH_QUIET_WAIT:-300}" ]; then
			echo "== WARNING: the machine stayed busy (${pct}% of $NCPU cores used by others); measuring anyway"
			return
		fi
		echo "   waiting for a quiet machine: ${pct}% busy"
	done
}
start_server() {
	local t0 ready
	t0=$(date +%s%N)
	KALEM_ACCESS_LOG=${KALEM_ACCESS_LOG:-1} "$KALEM" --db "sqlite:$DB" serve --listen "127.0.0.1:$PORT" \
		>"$BUILD/bench/server.log" 2>&1 &
	SERVER_PID=$!
	ready=$("$BENCH/kalem-bench-rate" --port "$PORT" --ready-timeout 10 | sed -n 's/^ready_ns=//p')
	[ -n "$ready" ] || die "the server did not answer /healthz within 10 s (see $BUILD/bench/server.log)"
	START_MS=$(( (ready - t0) / 1000000 ))
}
wait_quiet
# Start-up: the best of three cold starts (process start -> first 200 from /healthz).
best=999999
for i in 1 2 3; do
	start_server
	[ "$START_MS" -lt "$best" ] && best=$START_MS
	[ "$i" -lt 3 ] && stop_server
done
START_MS=$best
sleep 2
IDLE_RSS=$(rss_kb "$SERVER_PID")
THREADS=$(sed -n 's/.* \([0-9]*\) threads).*/\1/p' "$BUILD/bench/server.log" | head -1)
echo "== server: ${THREADS:-?} worker threads (KALEM_THREADS=${KALEM_THREADS:-unset}), KALEM_ACCESS_LOG=${KALEM_ACCESS_LOG:-1}"
echo "== start: ${START_MS} ms to the first /healthz 200 (best of 3); idle RSS ${IDLE_RSS} kB"

# ---- sign in ----
JAR=$BUILD/bench/cookies.txt
rm -f "$JAR"
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" \
	--data-urlencode username=admin --data-urlencode "password=$PASSWORD" "http://127.0.0.1:$PORT/login")
COOKIE=$(awk '$6 == "kalem_session" {print $6 "=" $7}' "$JAR")
[ -n "$COOKIE" ] || die "sign-in failed (HTTP $code)"

DEEP=$("$BENCH/kalem-bench-render" --db "sqlite:$DB" --cursor-at $((PEOPLE / 2)) 2>/dev/null | tail -1)
PAGES=("/parties" "/parties?after=$DEEP" "/parties?q=yilmaz" "/parties?q=mehmet+yilmaz" "/parties?q=a")
NAMES=("first page" "deep page (keyset, row $((PEOPLE / 2)))" "search q=yilmaz" "search q=mehmet yilmaz" \
	"search q=a (1 letter)")

# ---- throughput ----
WRK_OUT=$BUILD/bench/wrk.txt
wrk_rate() { # url connections: sets RATE (requests/s); the full wrk output goes to the log
	measure_begin
	wrk -t2 -c"$2" -d"${WRK_SECONDS}s" --latency -H "Cookie: $COOKIE" "$1" >"$WRK_OUT"
	sed 's/^/    /' "$WRK_OUT"
	measure_end
	grep -q 'Non-2xx' "$WRK_OUT" && echo "bench: non-2xx answers from $1"
	RATE=$(awk '/^Requests\/sec/{printf "%.0f", $2}' "$WRK_OUT")
}
echo "== /healthz: wrk -t2 -c64 -d${WRK_SECONDS}s"
wrk_rate "http://127.0.0.1:$PORT/healthz" 64
HEALTHZ=$RATE
echo "   $HEALTHZ req/s"

declare -a MAX P50 P99 STATUS
for k in "${!PAGES[@]}"; do
	url="http://127.0.0.1:$PORT${PAGES[$k]}"
	STATUS[$k]=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$url")
	echo "== ${NAMES[$k]}: GET ${PAGES[$k]:0:60} -> HTTP ${STATUS[$k]}"
	if [ "${STATUS[$k]}" != 200 ]; then
		echo "   not measured: the page does not answer 200 for a signed-in admin"
		MAX[$k]=-; P50[$k]=-; P99[$k]=-
		continue
	fi
	wrk_rate "$url" 32
	MAX[$k]=$RATE
	echo "   max throughput (wrk -t2 -c32 -d${WRK_SECONDS}s): ${MAX[$k]} req/s"
	rate=$(( MAX[$k] / 2 )); [ "$rate" -ge 1 ] || rate=1
	measure_begin
	res=$("$BENCH/kalem-bench-rate" --port "$PORT" --rate "$rate" --duration "$RATE_SECONDS" --warmup 5 \
		--connections 32 --cookie "$COOKIE" --path "${PAGES[$k]}" || true)
	echo "$res" | sed 's/^/    /'
	measure_end
	P50[$k]=$(echo "$res" | sed -n 's/^RESULT.* p50=\([0-9.]*\).*/\1/p')
	P99[$k]=$(echo "$res" | sed -n 's/^RESULT.* p99=\([0-9.]*\).*/\1/p')
done

sleep 2
LOADED_RSS=$(rss_kb "$SERVER_PID")
HWM=$(awk '/^VmHWM/{print $2}' "/proc/$SERVER_PID/status")
echo "== RSS after the load: ${LOADED_RSS} kB (peak ${HWM} kB)"
stop_server

# ---- in-process render ----
echo "== in-process render (kalem-bench-render: route + handler + store + template, no HTTP)"
args=()
# The measured pages, then harder searches: two common words, two one-letter prefixes.
for p in "${PAGES[@]}" "/parties?q=ayse+kaya" "/parties?q=me+yi" "/parties?q=m+y"; do args+=(--path "$p"); done
"$BENCH/kalem-bench-render" --db "sqlite:$DB" --iterations 2000 --seconds 10 "${args[@]}" 2>&1 | grep -v ' info ' \
	| tee "$BUILD/bench/render.txt" || true

# ---- booking (issue #3) ----
# agenda_book, one write transaction each (lock, conflict check, insert, audit, commit), on fresh databases in
# BUILD/bench (the same disk as the data), synchronous=FULL (the server's) and NORMAL, 1, 2 and 4 threads, and a
# bare INSERT + COMMIT loop for the ratio.
echo "== booking (kalem-bench-booking --bookings ${KALEM_BENCH_BOOKINGS:-2000})"
measure_begin
"$BENCH/kalem-bench-booking" --dir "$BENCH" --bookings "${KALEM_BENCH_BOOKINGS:-2000}" 2>&1 | grep -v ' info ' \
	| tee "$BUILD/bench/booking.txt" || true
measure_end
booking_rate() { sed -n "s/^$1 *\([0-9]*\) \/s .*/\1/p" "$BUILD/bench/booking.txt"; }
BOOK_FULL=$(booking_rate 'agenda_book, synchronous=FULL, 1 thread')
BOOK_FULL4=$(booking_rate 'agenda_book, synchronous=FULL, 4 threads')
BARE_FULL=$(booking_rate 'bare INSERT + COMMIT, synchronous=FULL')

# ---- summary ----
ok() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { if (v == "-" || v == "") print "not measured";
	else if ((dir == ">=" && v + 0 >= t) || (dir == "<=" && v + 0 <= t)) print "met"; else print "MISSED" }'; }
echo
echo "== summary ($PEOPLE parties, $(nproc) cores, ${THREADS:-?} server threads)"
printf '%-44s %14s %14s  %s\n' "figure" "measured" "target" "verdict"
printf '%-44s %14s %14s  %s\n' "start (process start -> /healthz 200)" "$START_MS ms" "<= 1000 ms" \
	"$(ok "$START_MS" 1000 '<=')"
printf '%-44s %14s %14s  %s\n' "idle RSS after start" "$((IDLE_RSS / 1024)) MB" "<= 64 MB" \
	"$(ok $((IDLE_RSS / 1024)) 64 '<=')"
printf '%-44s %14s %14s  %s\n' "RSS after the load" "$((LOADED_RSS / 1024)) MB" "<= 64 MB" \
	"$(ok $((LOADED_RSS / 1024)) 64 '<=')"
printf '%-44s %14s %14s  %s\n' "/healthz throughput" "$HEALTHZ req/s" ">= 20000" "$(ok "$HEALTHZ" 20000 '>=')"
for k in "${!PAGES[@]}"; do
	printf '%-44s %14s %14s  %s\n' "${NAMES[$k]}: throughput" "${MAX[$k]} req/s" ">= 5000" \
		"$(ok "${MAX[$k]}" 5000 '>=')"
	printf '%-44s %14s %14s  %s\n' "  p99 at half that rate (p50 ${P50[$k]} ms)" "${P99[$k]} ms" "<= 10 ms" \
		"$(ok "${P99[$k]}" 10 '<=')"
done
printf '%-44s %14s %14s  %s\n' "booking, synchronous=FULL, 1 thread" "${BOOK_FULL:--} /s" "(measure)" \
	"bare INSERT + COMMIT: ${BARE_FULL:--} /s"
printf '%-44s %14s %14s  %s\n' "booking, synchronous=FULL, 4 threads" "${BOOK_FULL4:--} /s" "(measure)" ""
[ "$NOISY" = 0 ] || echo "WARNING: other processes used the machine during some runs (see above): figures disturbed"
echo "(full output: $LOG; render times: $BUILD/bench/render.txt; booking: $BUILD/bench/booking.txt)"

# ---- applications (issue #4): Open311 POSTs against the bare commit rate, lists and searches over 1,000,000 ----
if [ "${KALEM_BENCH_APPLICATIONS:-1}" != 0 ]; then
	echo
	"$ROOT/bench/applications.sh" "$BUILD" || echo "bench: the applications benchmark failed"
fi
