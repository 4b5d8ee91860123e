#!/usr/bin/env bash
# The hub's drain rate on a pre-loaded backlog, exactly-once on: starts `threatline platform` in its
# own JVM on free ports; a second JVM pre-loads N simulated events (60 % duplicates) and then runs the
# hub on them until all are processed, and prints a Markdown row.
# Usage: bench/hub-drain.sh [events] [threads] [hub JVM options]
# JVM options may include -Dpartitions=N (topic partitions, default 6) and -Dhub.<setting>=<value>
# (any Kafka Streams or threatline.hub.* setting), and -Dprofile=file.jfr to profile the drain only.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
threads=${2:-1}
jvm=${3:-}
# shellcheck source=bench/platform.sh
source bench/platform.sh
# shellcheck disable=SC2086
java $jvm -cp bench/target/benchmarks.jar io.threatline.bench.HubDrain "$bootstrap" "$registry" "$events" "$threads"
