#!/usr/bin/env bash
# Benchmark of the conda solver (issue 12), each figure beside the same solve by a plain backtracking baseline
# (NaiveBacktracking, kept in env-lock's tests for this and for cross-checking):
#  (1) cf-geo-union's 46 dated scenarios (index as of each date): median and max solve time;
#  (2) a generated channel of RECORDS records (default 500,000: conda-forge linux-64 + noarch today) with deep
#      dependency chains, python ABI builds and caps, an eo-like request of ~25 specs over a base of ~500 installed
#      records: cold (download + scan + solve) and warm (cached index) end-to-end times, and the peak heap;
#  (3) libmamba's sudoku channel.
# Goals on a 2-core machine: solve <= 2 s median, <= 5 s worst; end to end <= 10 s cold, <= 3 s warm; heap <= 1 GB.
#  (4) pip: a generated PEP 691 index of max(20000, RECORDS/25) versions with PEP 658 metadata, 15 requirements:
#      cold and warm times and metadata files fetched (goal: warm <= 2 s, only versions tried); baseline: reading
#      every version's metadata of the projects reached.
# Usage: bench/resolve.sh [RECORDS=500000] [BASELINE_LIMIT_SECONDS=5] [PARTS=1234]
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS="${1:-500000}"
LIMIT="${2:-5}"
PARTS="${3:-1234}"
WORK="$(mktemp -d /tmp/resolve-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
./mvnw -B -q -o install -DskipTests -pl env-lock -am >/dev/null
./mvnw -B -q -o -pl env-lock test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
  -Dexec.args="-Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp %classpath ca.crim.pavics.jupyter.lock.ResolveBench $WORK $PWD/testdata $RECORDS $LIMIT $PARTS"
