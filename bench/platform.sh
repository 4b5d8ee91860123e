# Sourced by the bench scripts: builds what they need and starts `threatline platform` in its own JVM
# on free ports under a temporary directory, stopped again when the script exits. Sets
# $platform (its pid), $bootstrap and $registry. BROKERS=3 starts a cluster of three Kafka nodes in
# that JVM (pass -Dbench.replication=3 to the harness so that its topics have three replicas).
./mvnw -q -B -DskipTests package -pl app,bench -am
work=$(mktemp -d)
java -jar app/target/threatline.jar platform --data-dir "$work" --kafka-port 0 --registry-port 0 --brokers "${BROKERS:-1}" >"$work/platform.out" 2>&1 &
platform=$!
trap 'kill -TERM $platform 2>/dev/null || true; wait $platform 2>/dev/null || true; [ -n "${KEEP_PLATFORM_LOG:-}" ] && cp "$work/platform.out" "$KEEP_PLATFORM_LOG"; rm -rf "$work"' EXIT
until grep -q "Press Ctrl-C" "$work/platform.out" 2>/dev/null; do
  kill -0 $platform 2>/dev/null || { cat "$work/platform.out"; exit 1; }
  sleep 0.2
done
bootstrap=$(grep "Kafka bootstrap servers" "$work/platform.out" | awk '{print $5}')
registry=$(grep "Schema registry" "$work/platform.out" | awk '{print $4}')
export platform bootstrap registry
