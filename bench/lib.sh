# Shared by the bench/*.sh scripts: source it after setting ROOT (the project's root).
# Builds the release binary (BIN; BATON_BIN=PATH names another one to time), and gives
# median and time_ms.

echo "building the release binary..." >&2
(cd "$ROOT" && cargo build --release --quiet)
BIN="${BATON_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/baton}"

# Median of numbers on stdin (one per line).
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# Wall time of one command in milliseconds (date +%s%N), output discarded.
time_ms() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f\n", ns / 1e6 }'
}
