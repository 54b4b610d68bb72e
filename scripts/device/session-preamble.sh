# Sourced first by every device script: ROOT (the repository) as the working directory, OUT
# (created; the device tool brings back what lands there), and all output also written to
# $OUT/$1 (default session.log), so a log comes back even when the command is cut short.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
OUT=${OUT:-$ROOT/out/device}
mkdir -p "$OUT"
exec > >(tee "$OUT/${1:-session.log}") 2>&1
