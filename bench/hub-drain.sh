#!/usr/bin/env bash
# The hub's drain rate on a pre-loaded backlog, exactly-once on: starts `threatline platform` in its
# own JVM on free ports; a second JVM pre-loads N simulated events (60 % duplicates) and then runs the
# hub on them until all are processed, and prints a Markdown row. (bench/run-all.sh runs the same
# drain with the pass-through baseline and 200 agreements; see io.threatline.bench.HubDrain.)
# Usage: bench/hub-drain.sh [events] [threads] [hub JVM options] [HubDrain options, e.g. --passthrough]
# JVM options may include -Dhub.<setting>=<value> (any Kafka Streams or threatline.hub.* setting) and
# -Dprofile=file.jfr to profile the drain only.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
threads=${2:-1}
jvm=${3:-}
shift $(( $# < 3 ? $# : 3 ))
# shellcheck source=bench/platform.sh
source bench/platform.sh
# shellcheck disable=SC2086
java $jvm -Dbench.broker.pid="$platform" -cp bench/target/benchmarks.jar io.threatline.bench.HubDrain "$bootstrap" "$registry" "$events" "$threads" "$@"
