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
# shellcheck source=bench/platform.sh
source bench/platform.sh
# shellcheck disable=SC2086
java $jvm -cp bench/target/benchmarks.jar io.threatline.bench.PublisherThroughput "$bootstrap" "$registry" "$events" ti.sensor-events.v1 "$pending" \
  "$([ "$stall" = 1 ] && echo $platform || echo -1)"
