#!/usr/bin/env bash
# Benchmark of registry access under faults (issue 16): BUILDS environment image builds (the test environment plus
# 40 generated packages of 0.3-1.8 MB; eo has no lock yet) pushed through a fault-injecting proxy into a local
# docker-registry, one random fault each: a connection reset or a 500 on the Nth blob upload or a manifest request,
# or a stall shorter than the read timeout. Prints how many builds succeed without a human (goal: all), the extra
# time retries cost against a fault-free build, and whether every pushed image pulls and verifies with skopeo.
# Usage: bench/registry-faults.sh [BUILDS=20]. Needs docker-registry, skopeo, busybox-static.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILDS="${1:-20}"
WORK="$(mktemp -d /tmp/registry-faults-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
./mvnw -B -q -o install -DskipTests -pl env-installer -am >/dev/null
./mvnw -B -q -o -pl env-installer exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=ca.crim.pavics.jupyter.env.bench.RegistryFaultsBench \
  -Dexec.args="$WORK $BUILDS $(pwd)/testdata/conda-real" -Dorg.slf4j.simpleLogger.defaultLogLevel=error
