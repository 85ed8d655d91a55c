#!/usr/bin/env bash
# Benchmark of declared image files (issue 15): a SIZE MiB model (default 2048) served over loopback HTTP.
# Floor: curl of the file + tar -c of it. Ours: the first build step (lock: download and hash; the layer written;
# its blob pushed to a local docker-registry), then the rebuild step with nothing changed (goal: nothing downloaded,
# nothing pushed, <= 1 s). Run twice, at SIZE and SIZE/8, each in a JVM limited to -Xmx256m, to show that the peak
# heap does not follow the file's size.
# Usage: bench/image-files.sh [SIZE_MIB=2048]. Needs curl, tar, docker-registry; about 3x SIZE of free disk.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE="${1:-2048}"
./mvnw -B -q -o install -DskipTests -pl image-files -am >/dev/null
for size in "$SIZE" $((SIZE / 8)); do
  WORK="$(mktemp -d /tmp/image-files-bench.XXXXXX)"
  ./mvnw -B -q -o -pl image-files test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
    -Dexec.args="-Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp %classpath ca.crim.pavics.jupyter.files.FilesBench $WORK $size"
  rm -rf "$WORK"
done
