#Requires -Version 7.4
<#
.SYNOPSIS
    Builds ModelPack into out/ModelPack, and optionally runs the demo or the tests.
.EXAMPLE
    ./build.ps1 -Demo
.EXAMPLE
    ./build.ps1 -Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Run examples/Demo.ps1 against the freshly built module.
    [switch] $Demo,
    # Run every test (xunit, then the Pester specs on pwsh 7.4 and 7.6) and print "N passed, N failed".
    [switch] $Test
)

$ErrorActionPreference = 'Stop'
Push-Location $PSScriptRoot
try {
    # The launchers of ../shared/tools (pwsh-7.6, pwsh-7.4, podman-5.x), as build.sh puts them on PATH.
    $toolsBin = if ($env:MODELPACK_TOOLS_BIN) { $env:MODELPACK_TOOLS_BIN } else { '/opt/modelpack-tools/bin' }
    if ((Test-Path $toolsBin) -and ($env:PATH -split [IO.Path]::PathSeparator) -notcontains $toolsBin) {
        $env:PATH = $toolsBin + [IO.Path]::PathSeparator + $env:PATH
    }
    # The help build (build/Module.targets) runs PlatyPS in this PowerShell unless told otherwise.
    $pwsh = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    if (-not $env:MODELPACK_PWSH) { $env:MODELPACK_PWSH = $pwsh }

    dotnet build ModelPack.PowerShell.sln -c $Configuration -nologo -clp:ErrorsOnly
    if ($LASTEXITCODE) { throw "dotnet build failed ($LASTEXITCODE)." }
    Write-Host "Module laid out at $(Join-Path $PSScriptRoot 'out/ModelPack')"

    if ($Demo) {
        # A child process, so the demo imports the module just built, not one already loaded here.
        & $pwsh -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'examples/Demo.ps1')
        if ($LASTEXITCODE) { throw "The demo failed ($LASTEXITCODE)." }
    }

    if ($Test) {
        if ($IsLinux -and (Test-Path .ci/setup)) { bash .ci/setup }
        Remove-Item TestResults -Recurse -Force -ErrorAction Ignore
        dotnet test ModelPack.PowerShell.sln -c $Configuration --no-build -nologo --logger trx --results-directory TestResults
        $status = $LASTEXITCODE
        $passed = 0; $failed = 0
        foreach ($trx in Get-ChildItem TestResults -Filter *.trx) {
            $counters = ([xml](Get-Content $trx.FullName -Raw)).TestRun.ResultSummary.Counters
            $passed += [int]$counters.passed; $failed += [int]$counters.failed
        }

        # The Pester specs on pwsh-7.4 and pwsh-7.6 (else this pwsh), one registry for the run, in a child
        # process so that nothing they load stays in this session.
        & $pwsh -NoProfile -NonInteractive -File tests/Pester/Invoke-Specs.ps1 -ResultsPath TestResults
        if ($LASTEXITCODE -and -not $status) { $status = $LASTEXITCODE }
        $counts = Join-Path TestResults pester.counts
        if (Test-Path $counts) {
            $pesterPassed, $pesterFailed, $null = (Get-Content $counts -Raw).Trim() -split ' '
            $passed += [int]$pesterPassed; $failed += [int]$pesterFailed
        }
        else {
            Write-Warning 'The Pester specs did not report their results.'
            $failed++
        }
        if ($passed -eq 0 -and $failed -eq 0) { $failed = 1 }
        "$passed passed, $failed failed"
        if ($status) { exit $status }
    }
}
finally {
    Pop-Location
}
