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
    # Run every test and print "N passed, N failed".
    [switch] $Test
)

$ErrorActionPreference = 'Stop'
Push-Location $PSScriptRoot
try {
    dotnet build ModelPack.PowerShell.sln -c $Configuration -nologo -clp:ErrorsOnly
    if ($LASTEXITCODE) { throw "dotnet build failed ($LASTEXITCODE)." }
    Write-Host "Module laid out at $(Join-Path $PSScriptRoot 'out/ModelPack')"

    if ($Demo) {
        # A child process, so the demo imports the module just built, not one already loaded here.
        pwsh -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'examples/Demo.ps1')
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
        "$passed passed, $failed failed"
        if ($status) { exit $status }
    }
}
finally {
    Pop-Location
}
