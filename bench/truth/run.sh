#!/bin/sh
# The truth benchmark (docs/verify.md, "Truth on real repositories"): builds baton, then
# plants lies in the project copies beside this script and counts what `baton verify`
# catches. Arguments go to run.py: project names, --max N (runs per class and project,
# default 25), --jobs J, --check (exit 1 below the thresholds).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
cargo build --release --manifest-path "$root/Cargo.toml" --bin baton
exec python3 "$here/run.py" "$target/release/baton" "$@"
