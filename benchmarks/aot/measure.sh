#!/usr/bin/env bash
# Native AOT vs JIT for the sample server (samples/Aot/Aot.Server): binary size, time from process start to the
# first event delivered to a client, and resident memory after streaming 1,000 events. A measurement, not a test:
# run it on a quiet machine and compare within one run.
#
#   bash benchmarks/aot/measure.sh [runs]        (needs clang, zlib1g-dev and curl)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
out=$(mktemp -d)
port=5391

echo "Publishing the native server (net10.0 and net8.0, linux-x64) and the JIT server (net10.0)..." >&2
dotnet publish samples/Aot/Aot.Server -f net10.0 -r linux-x64 -c Release -o "$out/native" --artifacts-path "$out/artifacts" >/dev/null
dotnet publish samples/Aot/Aot.Server -f net8.0 -r linux-x64 -c Release -o "$out/native8" --artifacts-path "$out/artifacts" >/dev/null
dotnet publish samples/Aot/Aot.Server -f net10.0 -c Release -p:PublishAot=false -o "$out/jit" --artifacts-path "$out/artifacts" >/dev/null

now_ns() { date +%s%N; }

# Starts the server and waits for its first event over HTTP: sets $pid and $elapsed (milliseconds).
start_and_first_event() {
  local t0 t1
  port=$((port + 1)) # a fresh port each start, so no earlier server can answer
  t0=$(now_ns)
  "$@" --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited before listening: $*" >&2; exit 1; }
  done
  curl -sN --max-time 10 "http://127.0.0.1:$port/aot/numbers?count=1" | grep -m1 '^data:' >/dev/null || true
  t1=$(now_ns)
  kill -0 "$pid" 2>/dev/null || { echo "server died: $*" >&2; exit 1; }
  elapsed=$(( (t1 - t0) / 1000000 ))
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

measure() {
  local name=$1; shift
  local times=() rss
  for _ in $(seq "$runs"); do
    start_and_first_event "$@"
    times+=("$elapsed")
    if [ "${#times[@]}" -lt "$runs" ]; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  done
  local events
  events=$(curl -sN --max-time 30 "http://127.0.0.1:$port/aot/numbers?count=1000" | grep -c '^data:')
  [ "$events" = 1000 ] || { echo "expected 1000 events, got $events" >&2; exit 1; }
  rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf '%s\t%s\t%s\n' "$name" "$(printf '%s\n' "${times[@]}" | median)" "$((rss / 1024))"
}

native_size=$(stat -c %s "$out/native/Aot.Server")
native8_size=$(stat -c %s "$out/native8/Aot.Server")
jit_size=$(du -cb "$out"/jit/*.dll | tail -1 | cut -f1)
native=$(measure native "$out/native/Aot.Server")
native8=$(measure native8 "$out/native8/Aot.Server")
jit=$(measure jit dotnet "$out/jit/Aot.Server.dll")

echo
echo "| server (samples/Aot/Aot.Server) | size on disk | start to first event (median of $runs) | RSS after 1,000 events |"
echo "| --- | --- | --- | --- |"
IFS=$'\t' read -r _ nt nr <<<"$native"
IFS=$'\t' read -r _ n8t n8r <<<"$native8"
IFS=$'\t' read -r _ jt jr <<<"$jit"
echo "| Native AOT, net10.0 | $(awk "BEGIN { printf \"%.1f\", $native_size / 1048576 }") MiB, one self-contained file | $nt ms | $nr MiB |"
echo "| Native AOT, net8.0 | $(awk "BEGIN { printf \"%.1f\", $native8_size / 1048576 }") MiB, one self-contained file | $n8t ms | $n8r MiB |"
echo "| JIT, net10.0 (framework-dependent) | $((jit_size / 1024)) KiB of assemblies (+ the shared .NET and ASP.NET Core runtimes) | $jt ms | $jr MiB |"
rm -rf "$out"
