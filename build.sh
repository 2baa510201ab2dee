#!/usr/bin/env bash
# One entry point for people and CI on machines with or without pwsh.
#   ./build.sh          build; lays out the importable module at out/ModelPack/
#   ./build.sh demo     set up, build, then run examples/Demo.ps1 against the built module
#   ./build.sh test     set up, build, run every test, print "N passed, N failed"
set -euo pipefail
cd "$(dirname "$0")"
cmd="${1:-build}"
# The launchers of ../shared/tools (pwsh-7.6, pwsh-7.4, podman-5.7, podman-5.8), installed by .ci/setup.
export MODELPACK_TOOLS_BIN="${MODELPACK_TOOLS_BIN:-${MODELPACK_TOOLS_PREFIX:-/opt/modelpack-tools}/bin}"
export PATH="$MODELPACK_TOOLS_BIN:$PATH"

build() {
    dotnet build ModelPack.PowerShell.sln -c Release -nologo -clp:ErrorsOnly
}

# Runs a PowerShell script with pwsh when installed, else with the bundled hosted runner.
run_ps() {
    if command -v pwsh >/dev/null 2>&1; then
        pwsh -NoProfile -NonInteractive -File "$@"
    else
        dotnet tools/PSRunner/bin/Release/net10.0/psrunner.dll "$@"
    fi
}

case "$cmd" in
    build)
        build
        ;;
    demo)
        bash .ci/setup
        build
        run_ps examples/Demo.ps1
        ;;
    test)
        bash .ci/setup
        build
        rm -rf TestResults
        status=0
        dotnet test ModelPack.PowerShell.sln -c Release --no-build -nologo \
            --logger "trx" --results-directory TestResults -- RunConfiguration.TestSessionTimeout=1500000 || status=$?
        passed=0; failed=0
        for trx in TestResults/*.trx; do
            [ -e "$trx" ] || continue
            counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
            p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
            f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
            passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
        done
        if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
        echo "$passed passed, $failed failed"
        exit "$status"
        ;;
    *)
        echo "usage: ./build.sh [build|demo|test]" >&2
        exit 2
        ;;
esac
