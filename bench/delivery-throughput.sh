#!/usr/bin/env bash
# Delivery throughput per channel: starts `threatline platform` in its own JVM on free ports; a second
# JVM pre-loads N partner indicators per channel and times the delivery service (receipts and offset
# commits included) draining them into local peers. Prints a Markdown table.
# Usage: bench/delivery-throughput.sh [records] [channels] [JVM options]
#   channels: comma-separated, from syslog-cef, syslog-leef, webhook-stix, webhook-ecs, files-jsonl,
#   files-csv, files-stix, files-misp, kafka-json (default: all). JVM options may include
#   -Dthreatline.delivery.batch.max.records=N.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-100000}
channels=${2:-}
jvm=${3:-}
# shellcheck source=bench/platform.sh
source bench/platform.sh
# shellcheck disable=SC2086
java $jvm -cp bench/target/benchmarks.jar io.threatline.bench.DeliveryThroughput "$bootstrap" "$registry" "$records" $channels
