#!/usr/bin/env bash
# Benchmark of the base snapshot (issue 11): a synthetic base of ~600 conda records and ~60,000 files in 10 layers
# totalling TOTAL_MB (default 1100) in a local docker-registry; the time and peak memory of a snapshot (its own JVM,
# -Xmx256m) against skopeo copy + umoci unpack of the same image (the floor: reading the layers once), and a
# quarter-size image to show that memory does not follow layer size.
# Usage: bench/snapshot.sh [TOTAL_MB=1100] [RECORDS=600] [FILES=60000]. Needs docker-registry, skopeo, umoci, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL="${1:-1100}"
RECORDS="${2:-600}"
FILES="${3:-60000}"
WORK="$(mktemp -d /tmp/snapshot-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
./mvnw -B -q -o install -DskipTests -pl base-snapshot -am >/dev/null
./mvnw -B -q -o -pl base-snapshot test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
  -Dexec.args="-Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp %classpath ca.crim.pavics.jupyter.snapshot.SnapshotBench $WORK $TOTAL $RECORDS $FILES"
