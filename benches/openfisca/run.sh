#!/usr/bin/env bash
# Runs the norm engine and the equivalent OpenFisca model on the same synthetic population, in one run:
#   benches/openfisca/run.sh [HOUSEHOLDS]      (default 1000000)
# Prints both throughputs (household-months per second of the calculation alone), the ratio, and a cross-check
# of every household's assistance between the two engines. Needs python3 (venv) and network access to PyPI once.
set -euo pipefail

N="${1:-1000000}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
work="${TMPDIR:-/tmp}/stegvis-openfisca"
mkdir -p "$work"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi

cd "$root"
cargo build --release --quiet -p stegvis
bin="$root/target/release/stegvis"

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# population: $N household-months, seed 2026"

# 1. The engine, timed in memory (totals: the same calculation the OpenFisca model does). Also writes the population.
rust="$("$bin" bench norm --households "$N" --modes totals --min-seconds 3 --export "$work/population.jsonl")"
echo "stegvis  $rust"

# 2. Reference answers for the cross-check (the contract's batch mode).
"$bin" calc --batch "$work/population.jsonl" > "$work/stegvis.jsonl"

# 3. OpenFisca on the same file.
of="$("$venv/bin/python" "$here/model.py" --population "$work/population.jsonl" --reference "$work/stegvis.jsonl")"
echo "$of" | sed 's/^/openfisca /'

# 4. Ratio.
r="$(echo "$rust" | sed -n 's/.* households_per_s=\([0-9]*\).*/\1/p')"
o="$(echo "$of" | sed -n 's/^engine=openfisca.* households_per_s=\([0-9]*\).*/\1/p')"
awk -v r="$r" -v o="$o" 'BEGIN { printf "ratio stegvis/openfisca = %.1f\n", r / o }'
