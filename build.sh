#!/usr/bin/env bash
# One entry point for people and CI on machines with or without pwsh.
#   ./build.sh          build; lays out the importable module at out/ModelPack/
#   ./build.sh demo     set up, build, then run examples/Demo.ps1 against the built module
#   ./build.sh test     set up, build, run every test (xunit, then the Pester specs on pwsh 7.4 and 7.6),
#                       print "N passed, N failed"
set -euo pipefail
cd "$(dirname "$0")"
cmd="${1:-build}"
# The launchers of ../shared/tools (pwsh-7.6, pwsh-7.4, podman-5.7, podman-5.8), installed by .ci/setup.
export MODELPACK_TOOLS_BIN="${MODELPACK_TOOLS_BIN:-${MODELPACK_TOOLS_PREFIX:-/opt/modelpack-tools}/bin}"
export PATH="$MODELPACK_TOOLS_BIN:$PATH"

# The PowerShell for scripts, for the help build (PlatyPS, build/Module.targets) and for running the
# Pester specs: the newest launcher, else pwsh on PATH.
find_pwsh() {
    local candidate
    for candidate in pwsh-7.6 pwsh-7.4 pwsh; do
        if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return 0; fi
    done
    return 1
}
if [ -z "${MODELPACK_PWSH:-}" ] && pwsh_found=$(find_pwsh); then export MODELPACK_PWSH="$pwsh_found"; fi

build() {
    dotnet build ModelPack.PowerShell.sln -c Release -nologo -clp:ErrorsOnly
}

# Runs a PowerShell script with pwsh when installed, else with the bundled hosted runner.
run_ps() {
    if [ -n "${MODELPACK_PWSH:-}" ]; then
        "$MODELPACK_PWSH" -NoProfile -NonInteractive -File "$@"
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
        # The Pester specs on every pwsh (pwsh-7.4 and pwsh-7.6 side by side), one registry for the run.
        if [ -n "${MODELPACK_PWSH:-}" ]; then
            "$MODELPACK_PWSH" -NoProfile -NonInteractive -File tests/Pester/Invoke-Specs.ps1 -ResultsPath TestResults || status=$?
            if [ -f TestResults/pester.counts ]; then
                read -r p f _ < TestResults/pester.counts
                passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
            else
                echo "the Pester specs did not report their results" >&2; failed=$((failed + 1))
            fi
        elif [ "${CI:-}" = "true" ]; then
            echo "pwsh is not installed: the Pester specs cannot run (CI needs them)" >&2; failed=$((failed + 1))
        else
            echo "pwsh is not installed: the Pester specs are skipped" >&2
        fi
        if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
        echo "$passed passed, $failed failed"
        exit "$status"
        ;;
    *)
        echo "usage: ./build.sh [build|demo|test]" >&2
        exit 2
        ;;
esac
