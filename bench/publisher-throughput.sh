#!/usr/bin/env bash
# Publisher throughput to the local broker: starts `threatline platform` in its own JVM on free
# ports, publishes simulated events through ThreatPublisher from a second JVM, prints a Markdown row.
# Usage: bench/publisher-throughput.sh [events] [max-pending] [publisher JVM options] [stall]
# With stall=1 the broker is frozen (SIGSTOP) for 5 s halfway through the measured run, so the publisher has to push
# back; the row then shows the heap it holds at its limit of pending events.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
pending=${2:-20000}
jvm=${3:-}
stall=${4:-0}
./mvnw -q -B -DskipTests package -pl app,bench -am
work=$(mktemp -d)
java -jar app/target/threatline.jar platform --data-dir "$work" --kafka-port 0 --registry-port 0 >"$work/platform.out" 2>&1 &
platform=$!
trap 'kill -TERM $platform 2>/dev/null; wait $platform 2>/dev/null; rm -rf "$work"' EXIT
until grep -q "Press Ctrl-C" "$work/platform.out" 2>/dev/null; do
  kill -0 $platform 2>/dev/null || { cat "$work/platform.out"; exit 1; }
  sleep 0.2
done
bootstrap=$(grep "Kafka bootstrap servers" "$work/platform.out" | awk '{print $5}')
registry=$(grep "Schema registry" "$work/platform.out" | awk '{print $4}')
# shellcheck disable=SC2086
java $jvm -cp bench/target/benchmarks.jar io.threatline.bench.PublisherThroughput "$bootstrap" "$registry" "$events" ti.sensor-events.v1 "$pending" \
  "$([ "$stall" = 1 ] && echo $platform || echo -1)"
