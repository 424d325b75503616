#!/usr/bin/env bash
# Load test of the household page: 50 signed-in caseworkers (50 sessions) on loopback, with wrk.
# Usage: benches/web/run.sh [seconds]   (needs: a release build, wrk from Debian, curl)
# Builds the default synthetic town into a temp file (frozen clock), serves it, signs in 50 sessions, and runs wrk
# against /hushall/{id} for households of the caseworker's unit, and against /healthz as the floor of the stack.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
bin=target/release/stegvis
[ -x "$bin" ] || cargo build --release -p stegvis
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
export STEGVIS_FIXED_NOW=2026-11-23T10:00:00Z
"$bin" synth --db "$work/town.sqlite" >/dev/null 2>&1
port=18099
STEGVIS_LISTEN=127.0.0.1:$port STEGVIS_DEMO_MODE=true STEGVIS_SECURE_COOKIES=false STEGVIS_DATABASE_URL="sqlite://$work/town.sqlite?mode=rw" \
  "$bin" serve 2>"$work/server.log" &
server=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

base="http://127.0.0.1:$port"
sign_in() {
  local jar="$work/jar"
  rm -f "$jar"
  csrf=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
  curl -s -b "$jar" -c "$jar" -o /dev/null -d "username=handlaggare&password=demo&csrf_token=$csrf&next=/" "$base/login"
  awk '$6 == "stegvis_session" { print $7 }' "$jar"
}
: > "$work/sessions"
for _ in $(seq 1 50); do sign_in >> "$work/sessions"; done
session=$(head -1 "$work/sessions")
curl -s -H "Cookie: stegvis_session=$session" "$base/arenden" | grep -o 'href="/hushall/[0-9]*"' | grep -o '[0-9]*' | sort -u > "$work/households"
echo "sessions=$(wc -l < "$work/sessions") households=$(wc -l < "$work/households")"

echo "== /hushall/{id}: 50 signed-in users, ${seconds}s"
SESSIONS_FILE="$work/sessions" HOUSEHOLDS_FILE="$work/households" \
  wrk -t2 -c"${CONNECTIONS:-50}" -d"${seconds}s" --latency -s benches/web/household.lua "$base" | tail -1
echo "== /healthz (no database): the floor of the same stack, same load"
wrk -t2 -c50 -d"${seconds}s" --latency "$base/healthz" | grep -E "99%|Requests/sec|Non-2xx" || true
