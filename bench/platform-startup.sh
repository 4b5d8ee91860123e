#!/usr/bin/env bash
# Measures the local platform's start-up: wall time from launching `threatline platform` until it
# prints that it is ready, the time it reports itself, and its resident memory 5 s later.
# Runs a cold start (empty data directory) and then a restart on the same directory, N times each.
# Usage: bench/platform-startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
./mvnw -q -B -DskipTests package -pl app -am
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() {
  local dir=$1 label=$2 out="$1.out" start end pid rss
  start=$(date +%s%N)
  java -jar app/target/threatline.jar platform --data-dir "$dir" --kafka-port 0 --registry-port 0 >"$out" 2>&1 &
  local launcher=$!
  until grep -q "Press Ctrl-C" "$out" 2>/dev/null; do
    kill -0 $launcher 2>/dev/null || { cat "$out"; exit 1; }
    sleep 0.05
  done
  end=$(date +%s%N)
  sleep 5
  rss=$(ps -o rss= -p $launcher)
  printf '| %s | %d | %s | %d |\n' "$label" $(( (end - start) / 1000000 )) \
    "$(grep -o 'ready in [0-9.]* s' "$out" | awk '{print $3}')" $(( rss / 1024 ))
  kill -TERM $launcher   # SIGINT is ignored by background jobs of a script; TERM runs the same shutdown
  wait $launcher || true
}

echo "| run | launch to ready (ms) | reported start-up (s) | resident memory after 5 s (MiB) |"
echo "|---|---|---|---|"
for i in $(seq 1 "$runs"); do
  measure "$work/data-$i" "cold start $i"
  measure "$work/data-$i" "restart $i"
done
