#!/usr/bin/env bash
# Benchmark of the environment installer (issue 6): install N generated conda packages (realistic size mix) plus
# the real test packages into image layers vs `tar -x` of the same archives into a folder (the physical floor),
# and the time of a rebuild with an unchanged lock (against a local docker-registry).
# Usage: bench/env-layers.sh [N=200] [GZIP_LEVEL=1]. Needs docker-registry, skopeo, unzip, zstd.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-200}"
GZIP="${2:-1}"
WORK="$(mktemp -d /tmp/env-layers-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
./mvnw -B -q -o install -DskipTests -pl env-installer -am >/dev/null
./mvnw -B -q -o -pl env-installer exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=ca.crim.pavics.jupyter.env.bench.EnvLayersBench \
  -Dexec.args="$WORK $N $(pwd)/testdata/conda-real" -Dgzip="$GZIP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
