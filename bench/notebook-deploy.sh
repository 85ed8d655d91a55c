#!/usr/bin/env bash
# Benchmark: notebook-deployer against `git clone`/`git fetch` + `rsync --recursive --delete --checksum` on the
# same data: a 5,000-file repository (mixed sizes, some of several MB); first deploy, a redeploy with no change,
# a redeploy after 1% of the files changed. Prints the times and ratios (goals: no-change <= 0.5x, changed <= 1.0x).
#
# Both sides fetch from the same C git server (`git daemon` on 127.0.0.1), as from GitHub in production: a file://
# URL would make JGit serve the repository in-process, which measures JGit's server, not our client.
# Needs: git (with git daemon), rsync, java 17; builds the CLI jar if missing (./mvnw -pl notebook-deployer -am package).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
files="${FILES:-5000}"
for tool in git rsync java; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done
jar="$root/notebook-deployer/target/notebook-deployer-1-cli.jar"
[ -f "$jar" ] || "$root/mvnw" -B -q -f "$root/pom.xml" -pl notebook-deployer -am package -DskipTests -Djib.skip
work="$(mktemp -d)"
daemon_pid=""
trap '[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; rm -rf "$work"' EXIT
g() { git -c user.name=b -c user.email=b@b -c commit.gpgsign=false "$@"; }

# The repository: notebooks/ with $files files, 1 in 100 of 1-4 MB, the rest 1-40 kB.
mkdir -p "$work/src"
python3 - "$work/src" "$files" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
for i in range(n):
    d = os.path.join(root, "notebooks", f"topic{i % 50:02d}", f"sub{i % 7}")
    os.makedirs(d, exist_ok=True)
    size = rnd.randint(1 << 20, 4 << 20) if i % 100 == 0 else rnd.randint(1000, 40000)
    with open(os.path.join(d, f"nb{i:05d}.ipynb"), "wb") as f:
        f.write(os.urandom(size))
PY
(cd "$work/src" && g init -q -b main && g add -A && g commit -qm one && g clone -q --bare . "$work/remote.git")
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
git daemon --reuseaddr --listen=127.0.0.1 --port="$port" --export-all --base-path="$work" "$work" >/dev/null 2>&1 &
daemon_pid=$!
for _ in $(seq 50); do git ls-remote "git://127.0.0.1:$port/remote.git" >/dev/null 2>&1 && break; sleep 0.1; done
url="git://127.0.0.1:$port/remote.git"
printf -- '- repo_url: %s\n  branch: main\n  source_dir: notebooks\n  dest_sub_dir: nb\n' "$url" > "$work/config.yml"
mkdir -p "$work/dest" "$work/rsync-dest"

now() { date +%s.%N; }
# the launcher (bin/notebook-deployer) runs the jar with a class-data archive kept in the checkout cache
ours() { DEPLOY_DATA_CHECKOUT_CACHE="$work/cache" NOTEBOOK_DEPLOYER_JAR="$jar" "$root/notebook-deployer/bin/notebook-deployer" --dest "$work/dest" "$work/config.yml" > /dev/null; }
theirs_first() { git clone -q --depth 1 "$url" "$work/checkout" && rsync --recursive --delete --checksum "$work/checkout/notebooks/" "$work/rsync-dest/nb/"; }
theirs_again() { (cd "$work/checkout" && git fetch -q --depth 1 origin main && git reset -q --hard FETCH_HEAD) && rsync --recursive --delete --checksum "$work/checkout/notebooks/" "$work/rsync-dest/nb/"; }
measure() { local s; s=$(now); "$@"; echo "$(now) - $s" | bc -l; }

o1=$(measure ours); t1=$(measure theirs_first)
o2=$(measure ours); t2=$(measure theirs_again)
# 1% of the files change
python3 - "$work/src" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(0, n, 100):
    p = os.path.join(root, "notebooks", f"topic{i % 50:02d}", f"sub{i % 7}", f"nb{i:05d}.ipynb")
    with open(p, "ab") as f:
        f.write(b"changed")
PY
(cd "$work/src" && g commit -qam two && g push -q "$work/remote.git" main)
o3=$(measure ours); t3=$(measure theirs_again)
diff -r "$work/dest/nb/" "$work/rsync-dest/nb/" > /dev/null && echo "same result as git + rsync: yes"

printf '%-22s %8s %8s %7s\n' "" "ours" "git+rsync" "ratio"
printf '%-22s %7.2fs %7.2fs %7.2f\n' "first deploy" "$o1" "$t1" "$(echo "$o1/$t1" | bc -l)"
printf '%-22s %7.2fs %7.2fs %7.2f  (goal <= 0.5)\n' "no-change redeploy" "$o2" "$t2" "$(echo "$o2/$t2" | bc -l)"
printf '%-22s %7.2fs %7.2fs %7.2f  (goal <= 1.0)\n' "1%-changed redeploy" "$o3" "$t3" "$(echo "$o3/$t3" | bc -l)"
