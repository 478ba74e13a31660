#!/usr/bin/env bash
# Prepares everything bench/run.py needs. Idempotent: run it again after changing the
# package, it rebuilds ours (cargo reuses what did not change) and leaves the rest.
#
#   bench/.venv-official   arize==8.61.0 and arize-ax-cli==0.39.0 from PyPI (the peers)
#   bench/.venv-ours       this repository installed as a RELEASE build, plus pandas, psutil
#   bench/rawfetch         the minimal Rust client of scenario 3 (and a fallback load
#                          generator for scenario 6), built in bench/rawfetch/target
#   bench/corefetch        the same walk through ax-core without Python (scenario 3),
#                          built in bench/corefetch/target
#   wrk                    load generator of scenario 6 (apt, when missing and we are root)
#
# Environment: PYTHON (default python3.11, else python3; the official CLI needs >= 3.11),
# BENCH_SKIP_OURS=1 to keep the installed build of ours as it is, BENCH_NO_CORE=1 to skip
# building corefetch.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"

log() { printf '[setup] %s\n' "$*" >&2; }

"$PY" - <<'EOF' || { log "need Python >= 3.11 (the official CLI uses tomllib/StrEnum); set PYTHON"; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
EOF

make_venv() {
    if [ ! -x "$1/bin/python" ]; then
        log "creating $1"
        "$PY" -m venv "$1"
        "$1/bin/python" -m pip install --quiet --upgrade pip
    fi
}

# --- the official tools ----------------------------------------------------------------
OFF="$BENCH/.venv-official"
make_venv "$OFF"
if "$OFF/bin/python" - <<'EOF'
import sys
from importlib.metadata import version, PackageNotFoundError
try:
    ok = version("arize") == "8.61.0" and version("arize-ax-cli") == "0.39.0"
except PackageNotFoundError:
    ok = False
sys.exit(0 if ok else 1)
EOF
then
    log "official tools already installed"
else
    log "installing arize==8.61.0 and arize-ax-cli==0.39.0"
    "$OFF/bin/python" -m pip install --quiet "arize==8.61.0" "arize-ax-cli==0.39.0" pandas
fi

# --- ours, release build -----------------------------------------------------------------
OURS="$BENCH/.venv-ours"
make_venv "$OURS"
if ! "$OURS/bin/python" -c "import pandas, psutil, pyarrow" 2>/dev/null; then
    log "installing pandas, psutil, pyarrow into $OURS"
    "$OURS/bin/python" -m pip install --quiet pandas psutil pyarrow maturin
fi
if [ "${BENCH_SKIP_OURS:-0}" = "1" ] && "$OURS/bin/python" -c "import arize_ax" 2>/dev/null; then
    log "BENCH_SKIP_OURS=1: keeping the installed arize_ax"
else
    log "building and installing $ROOT (release) into $OURS; this takes a while the first time"
    # A regular (non-editable) install: maturin's PEP 517 backend builds --release.
    "$OURS/bin/python" -m pip install --quiet --no-deps --force-reinstall "$ROOT"
fi
"$OURS/bin/python" - <<'EOF'
import arize_ax, arize_ax._native as n
print("[setup] ours:", arize_ax.__file__, "native:", n.__file__)
EOF

# --- raw client / fallback load generator ------------------------------------------------
log "building bench/rawfetch (release)"
cargo build --quiet --release --manifest-path "$BENCH/rawfetch/Cargo.toml"
if [ "${BENCH_NO_CORE:-0}" != "1" ]; then
    # ax-core without Python (a few minutes the first time); run.py leaves its row out
    # when it is missing.
    log "building bench/corefetch (release)"
    cargo build --quiet --release --manifest-path "$BENCH/corefetch/Cargo.toml"
fi

# --- wrk -------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        log "installing wrk"
        apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1; } \
            || log "wrk not installed; scenario 6 falls back to bench/rawfetch's loadgen"
    else
        log "wrk missing; scenario 6 falls back to bench/rawfetch's loadgen"
    fi
fi

mkdir -p "$BENCH/results"
log "done. Run: $OURS/bin/python $BENCH/run.py"
