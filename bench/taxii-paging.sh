#!/usr/bin/env bash
# How long a TAXII 2.1 client takes to page through a collection: loads N partner indicators into a
# 6-partition topic on the embedded broker, serves them over HTTPS and pages through with plain HTTP
# calls at limit 1000 and 10000. Results go to consumer/target/taxii-paging-measurement.txt.
# Usage: bench/taxii-paging.sh [records]
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-100000}
./mvnw -q -B install -DskipTests -pl consumer -am
./mvnw -B -pl consumer verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=TaxiiPagingMeasurementIT -Dthreatline.measurements= -Dtaxii.measure.records="$records"
cat consumer/target/taxii-paging-measurement.txt
