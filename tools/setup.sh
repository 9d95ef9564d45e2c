#!/bin/sh
# setup.sh [--test] - install what is missing (Debian 12, as root), build
# ictune in ./build, and with --test run the whole test suite: the normal
# build with warnings as errors, then the unit suite again under
# AddressSanitizer and UndefinedBehaviorSanitizer.
set -eu
case "${1:-}${2:+ $2}" in
"" | --test) ;;
-h | --help)
    sed -n '2,5s/^# //p' "$0"
    exit 0 ;;
*)
    echo "setup: unknown argument '$*', expected nothing or --test (see --help)" >&2
    exit 2 ;;
esac
cd "$(dirname "$0")/.."

PKGS="gcc libc6-dev pkg-config meson ninja-build libopenmpi-dev openmpi-bin
libhdf5-dev zlib1g-dev hdf5-tools libhwloc-dev hwloc libyaml-dev gnuplot-nox python3
python3-h5py python3-pil chromium slurmctld slurmd slurm-client munge python3-torch
python3-skimage file"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    if [ "$(id -u)" != 0 ]; then
        echo "setup: these Debian packages are missing; run as root or install them:$missing" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

# Open MPI refuses root without these; oversubscription lets tests run more
# ranks than this machine has cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_mpi_warn_on_fork=0

# Sum meson's "Ok:", "Fail:", ... lines of a log into $passed etc.
passed=0 failed=0 skipped=0
count() {
    for k in Ok Fail Skipped Timeout "Unexpected Pass" "Expected Fail"; do
        v=$(sed -n "s/^$k: *\([0-9]*\).*/\1/p" "$1" | tail -n 1)
        v=${v:-0}
        case "$k" in
        Ok|"Expected Fail") passed=$((passed + v)) ;;
        Skipped) skipped=$((skipped + v)) ;;
        *) failed=$((failed + v)) ;;
        esac
    done
}

if [ "${1:-}" = "--test" ]; then
    log=$(mktemp)
    rc=0
    [ -d build ] || meson setup build --werror
    meson configure build -Dwerror=true > /dev/null
    ninja -C build
    meson test -C build --print-errorlogs --num-processes 2 2>&1 | tee "$log" || rc=1
    count "$log"
    [ -d build-asan ] || meson setup build-asan --werror \
        -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
    ninja -C build-asan
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        meson test -C build-asan --suite unit --print-errorlogs \
        --num-processes 2 2>&1 | tee "$log" || rc=1
    count "$log"
    rm -f "$log"
    [ "$failed" = 0 ] && [ "$passed" -gt 0 ] || rc=1
    echo "ictune: $passed passed, $failed failed, $skipped skipped"
    exit $rc
else
    [ -d build ] || meson setup build
    ninja -C build
fi
