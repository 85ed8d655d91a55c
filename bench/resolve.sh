#!/usr/bin/env bash
# Benchmark of the conda solver (issue 12), each figure beside the same solve by a plain backtracking baseline
# (NaiveBacktracking, kept in env-lock's tests for this and for cross-checking):
#  (1) cf-geo-union's 46 dated scenarios (index as of each date): median and max solve time;
#  (2) a generated channel of RECORDS records (default 500,000: conda-forge linux-64 + noarch today) with deep
#      dependency chains, python ABI builds and caps, an eo-like request of ~25 specs over a base of ~500 installed
#      records: cold (download + scan + solve) and warm (cached index) end-to-end times, and the peak heap;
#  (3) libmamba's sudoku channel.
# Goals on a 2-core machine: solve <= 2 s median, <= 5 s worst; end to end <= 10 s cold, <= 3 s warm; heap <= 1 GB.
# Usage: bench/resolve.sh [RECORDS=500000] [BASELINE_LIMIT_SECONDS=5] [PARTS=123]
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS="${1:-500000}"
LIMIT="${2:-5}"
PARTS="${3:-123}"
WORK="$(mktemp -d /tmp/resolve-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
./mvnw -B -q -o install -DskipTests -pl env-lock -am >/dev/null
./mvnw -B -q -o -pl env-lock test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
  -Dexec.args="-Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp %classpath ca.crim.pavics.jupyter.lock.ResolveBench $WORK $PWD/testdata $RECORDS $LIMIT $PARTS"
