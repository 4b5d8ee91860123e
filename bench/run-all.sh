#!/usr/bin/env bash
# Every benchmark of issue 7 in one command, on the embedded platform (`threatline platform` in its
# own JVM on free ports, see bench/platform.sh), each harness in a JVM of its own:
#   publisher throughput; the hub's drain rate on pre-loaded backlogs (60 % duplicates, EOS v2) next
#   to a pass-through Kafka Streams copy of the same backlog; 3 versus 200 agreements on the same
#   backlog; latency publish -> partner topic at a steady 10,000 events/s; the dedup state at N
#   distinct indicators (heap, resident, disk); delivery throughput per channel; the JMH
#   micro-benchmarks (canonicalisation, serde, agreement matching); the TAXII server's latency for
#   well-behaved partners while slow clients and password guessers attack it (issue 11 §4).
# Every harness prints `RESULT,...` lines (io.threatline.bench.report.ResultLine); BenchReport turns
# them into bench/results/<UTC timestamp>/results.md, results.csv and chart.svg, with the machine's
# description. Each harness's output is kept under logs/ there.
#
# Usage: bench/run-all.sh [--quick]
#   (default)  the issue's sizes: 1 M and 10 M events drained, 10 M distinct indicators, 120 s of
#              latency after 30 s of warm-up, 1 M events published, 100,000 records per channel.
#              Takes about an hour on a quiet 2-core machine and needs ~40 GiB free under $TMPDIR.
#   --quick    small sizes (20,000 and 50,000 events, 100,000 distinct, 10 s of latency, short JMH
#              runs) to check that everything runs: a few minutes. Its figures are no measurement.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
for arg in "$@"; do
  case $arg in
    --quick) mode=quick ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $arg; usage: bench/run-all.sh [--quick]" >&2; exit 2 ;;
  esac
done

if [ "$mode" = quick ]; then
  drain_sizes="20000 50000"   # the first also runs with 200 agreements
  dedup_indicators=100000
  latency="--rate=10000 --warmup=5 --seconds=10"
  publisher_events=20000
  delivery_records=5000
  jmh="--forks=1 --warmups=1 --iterations=1 --seconds=1"
  taxii_load="--partners=6 --slow=40 --guessers=6 --seconds=10 --records=300"
  need_gib=3
else
  drain_sizes="1000000 10000000"
  dedup_indicators=10000000
  latency="--rate=10000 --warmup=30 --seconds=120"
  publisher_events=1000000
  delivery_records=100000
  jmh="--forks=2 --warmups=3 --iterations=5 --seconds=2"
  taxii_load="--partners=20 --slow=100 --guessers=10 --seconds=60 --records=1000"
  need_gib=40
fi
scaled_agreements=200

tmp_root=${TMPDIR:-/tmp}
free_kib=$(df -Pk "$tmp_root" | awk 'NR == 2 { print $4 }')
if [ "$free_kib" -lt $((need_gib * 1024 * 1024)) ]; then
  echo "The $mode run needs about $need_gib GiB free under $tmp_root (broker data and state); $((free_kib / 1048576)) GiB are." >&2
  exit 1
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="bench/results/$stamp"
mkdir -p "$out/logs"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
begin=$SECONDS
echo "Threatline benchmarks, $mode run, into $out (load average at start: $load)"

# Builds app and bench, starts the platform; everything under $work is removed when this script exits.
# shellcheck source=bench/platform.sh
source bench/platform.sh
mkdir -p "$work/tmp"
echo "platform up: $bootstrap, registry $registry"

failed=()
# step <name> <JVM options> <main class> <arguments...>: runs one harness, keeps its output, collects its results.
step() {
  local name=$1 jvm=$2 main=$3 t0=$SECONDS
  shift 3
  printf '%-28s' "$name"
  # shellcheck disable=SC2086
  if java $jvm -Djava.io.tmpdir="$work/tmp" -Dbench.broker.pid="$platform" -cp bench/target/benchmarks.jar "$main" "$@" \
      >"$out/logs/$name.out" 2>"$out/logs/$name.err"; then
    grep '^RESULT,' "$out/logs/$name.out" >>"$out/results.raw" || true
    echo "done in $((SECONDS - t0)) s"
  else
    echo "FAILED after $((SECONDS - t0)) s, see $out/logs/$name.err"
    failed+=("$name")
  fi
}
touch "$out/results.raw"

step publisher "-Xmx512m" io.threatline.bench.PublisherThroughput "$bootstrap" "$registry" "$publisher_events" ti.sensor-events.v1 20000

first=1
for n in $drain_sizes; do
  prefix="bench-drain-$n."
  more=""
  [ $first = 1 ] && more="--agreements=$scaled_agreements"
  step "backlog-$n" "-Xmx2g" io.threatline.bench.Backlog "$bootstrap" "$registry" "$prefix" "$n" --duplicates=0.6
  [[ " ${failed[*]} " == *" backlog-$n "* ]] || \
    step "drain-$n" "-Xmx1g" io.threatline.bench.HubDrain "$bootstrap" "$registry" "$n" 1 --backlog="$prefix" --passthrough $more
  step "cleanup-drain-$n" "" io.threatline.bench.Backlog "$bootstrap" delete "$prefix"
  first=0
done

# shellcheck disable=SC2086
step latency "-Xmx1g" io.threatline.bench.HubLatency "$bootstrap" "$registry" $latency

step "backlog-distinct-$dedup_indicators" "-Xmx2g" io.threatline.bench.Backlog "$bootstrap" "$registry" bench-dedup. "$dedup_indicators" --duplicates=0
[[ " ${failed[*]} " == *" backlog-distinct-"* ]] || \
  step "dedup-$dedup_indicators" "-Xmx1g" io.threatline.bench.DedupState "$bootstrap" "$registry" bench-dedup. "$dedup_indicators"
step cleanup-dedup "" io.threatline.bench.Backlog "$bootstrap" delete bench-dedup.

step delivery "-Xmx1g" io.threatline.bench.DeliveryThroughput "$bootstrap" "$registry" "$delivery_records"

# shellcheck disable=SC2086
step taxii-load "-Xmx1g" io.threatline.bench.TaxiiLoad "$bootstrap" "$registry" $taxii_load

# shellcheck disable=SC2086
step jmh "" io.threatline.bench.MicroBenchmarks $jmh

java -cp bench/target/benchmarks.jar io.threatline.bench.report.BenchReport "$out" "$out/results.raw" \
  --mode="$mode" --commit="$commit" --started="$started" --load="$load" --failed="$(IFS=,; echo "${failed[*]}")"
echo
cat "$out/results.md"
echo
echo "All in $((SECONDS - begin)) s. Report: $out/results.md, $out/results.csv, $out/chart.svg"
[ ${#failed[@]} -eq 0 ] || { echo "Failed: ${failed[*]}" >&2; exit 1; }
