#!/usr/bin/env bash
# Benchmark: first build of the eo image into a local registry, then a no-op rebuild.
# Prints both times, their ratio, and the layer bytes pushed by the rebuild (goal: ratio <= 0.05, 0 bytes).
#
# Needs: docker-registry, skopeo, umoci, busybox-static (apt-get install -y ...). Runs on a copy of the
# repository in a temporary folder; nothing is installed into ~/.m2 and no network is used beyond loopback
# (Maven artifacts come from ~/.m2 or Maven Central as usual).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for tool in docker-registry skopeo umoci busybox git; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y docker-registry skopeo umoci busybox-static git)" >&2; exit 2; }
done
work="$(mktemp -d)"
registry_pid=""
cleanup() { [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT

# 1. A registry on a free loopback port, with an access log to count pushed bytes.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat > "$work/registry.yml" <<YML
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
registry="127.0.0.1:$port"

# 2. A small base image (busybox, user jenkins, /opt/conda) built with umoci, pushed with skopeo.
layout="$work/base-layout"
umoci init --layout "$layout"
umoci new --image "$layout:base"
unpack_flags=(); [ "$(id -u)" -ne 0 ] && unpack_flags=(--rootless)
umoci unpack "${unpack_flags[@]}" --image "$layout:base" "$work/bundle" >/dev/null
rootfs="$work/bundle/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/opt/conda/envs/birdy/conda-meta" "$rootfs/home/jenkins"
cp "$(readlink -f "$(command -v busybox)")" "$rootfs/bin/busybox"; ln -s busybox "$rootfs/bin/sh"
printf 'root:x:0:0::/root:/bin/sh\njenkins:x:1000:1000::/home/jenkins:/bin/sh\n' > "$rootfs/etc/passwd"
head -c 50000000 /dev/urandom > "$rootfs/opt/conda/payload.bin"   # 50 MB, so the base is not trivial
umoci repack --image "$layout:base" "$work/bundle" >/dev/null
umoci config --image "$layout:base" --config.user jenkins \
  --config.env "PATH=/opt/conda/envs/birdy/bin:/usr/bin:/bin" --config.cmd /bin/sh
base="$registry/birdhouse/pavics-jupyter-base:0.5.0"
skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$layout:base" "docker://$base"

# 3. A copy of the repository, so the working tree and ~/.m2 stay as they are.
mkdir -p "$work/repo"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} "$work/repo/")
(cd "$work/repo" && git init -q && git add -A && git -c user.name=b -c user.email=b@b commit -qm bench)
mvn_args=(-B -q -f "$work/repo/pom.xml" -pl eo -am install -DskipTests -Dmaven.install.skip=true
  -Djib.allowInsecureRegistries=true -Djib.baseImageCache="$work/jib-cache"
  -Dbase.image="$base" -Dimage.registry="$registry")

# Upload requests (POST/PATCH/PUT on blobs/uploads) into the eo repository, from the registry's access log;
# and the bytes of blob storage, which grows by exactly the new blobs a push stores.
uploads() { grep -a '"\(POST\|PATCH\|PUT\) /v2/pavics/crim-jupyter-eo/blobs/uploads' "$work/registry.log" | wc -l; }
stored_bytes() { du -sb "$work/storage/docker/registry/v2/blobs" | cut -f1; }

now() { date +%s.%N; }
t0=$(now); "$root/mvnw" "${mvn_args[@]}"; t1=$(now)
first_uploads=$(uploads); first_bytes=$(stored_bytes)
t2=$(now); "$root/mvnw" "${mvn_args[@]}"; t3=$(now)
second_uploads=$(( $(uploads) - first_uploads )); second_bytes=$(( $(stored_bytes) - first_bytes ))

first=$(echo "$t1 - $t0" | bc -l); second=$(echo "$t3 - $t2" | bc -l)
printf 'first build:      %6.1f s (%d upload requests into pavics/crim-jupyter-eo)\n' "$first" "$first_uploads"
printf 'no-op rebuild:    %6.1f s\n' "$second"
printf 'ratio:            %6.3f (goal <= 0.05)\n' "$(echo "$second / $first" | bc -l)"
printf 'pushed by the rebuild: %d upload requests, %d new blob bytes (goal 0)\n' "$second_uploads" "$second_bytes"
