#!/usr/bin/env bash
# The hub's drain rate on a pre-loaded backlog, exactly-once on: starts `threatline platform` in its
# own JVM on free ports; a second JVM pre-loads N simulated events (60 % duplicates) and then runs the
# hub on them until all are processed, and prints a Markdown row.
# Usage: bench/hub-drain.sh [events] [threads] [hub JVM options]
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
threads=${2:-1}
jvm=${3:-}
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
java $jvm -cp bench/target/benchmarks.jar io.threatline.bench.HubDrain "$bootstrap" "$registry" "$events" "$threads"
