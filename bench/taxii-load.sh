#!/usr/bin/env bash
# The TAXII server under hostile load on loopback (issue 11 §4): well-behaved partners paging their
# collections while slow clients hold connections open a byte at a time and guessers send wrong
# passwords, for a bounded time, against the embedded platform. Prints the well-behaved partners'
# latency (p50/p99/max) and what the attackers got as RESULT lines.
# Usage: bench/taxii-load.sh [--partners=20] [--slow=100] [--guessers=10] [--seconds=30] [--records=500]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/platform.sh
source bench/platform.sh
java -Xmx1g -cp bench/target/benchmarks.jar io.threatline.bench.TaxiiLoad "$bootstrap" "$registry" "$@"
