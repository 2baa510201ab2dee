#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester specs (tests/Pester/*.Tests.ps1) against the built module on every PowerShell
    given, all at once, with one real docker-registry for the whole run.
.DESCRIPTION
    Starts docker-registry on 127.0.0.1 (a port it picks), then one pwsh process per version that
    runs every spec file (Pester 6) against out/ModelPack. The versions run side by side; each
    writes its NUnit XML to TestResults/pester-<version>.xml. Prints each version's output, one
    summary line per version and then "Pester: N passed, N failed, N skipped", and writes the
    totals to TestResults/pester.counts ("passed failed skipped") for build.sh.

    Without -PowerShell it takes pwsh-7.4 and pwsh-7.6 from MODELPACK_TOOLS_BIN (the launchers
    of ../shared/tools), else the pwsh running this script. In CI (CI=true) both launchers must
    exist: a missing one counts as a failure.
.EXAMPLE
    pwsh tests/Pester/Invoke-Specs.ps1
.EXAMPLE
    pwsh tests/Pester/Invoke-Specs.ps1 -PowerShell /opt/modelpack-tools/bin/pwsh-7.4 -Path tests/Pester/Help.Tests.ps1
#>
[CmdletBinding(DefaultParameterSetName = 'Run')]
param(
    # The pwsh executables to run the specs on.
    [Parameter(ParameterSetName = 'Run')]
    [string[]] $PowerShell,
    # Spec files or folders (default: every *.Tests.ps1 next to this script).
    [string[]] $Path = @($PSScriptRoot),
    # Where the NUnit XML files and pester.counts go.
    [string] $ResultsPath = (Join-Path $PSScriptRoot '../../TestResults'),
    # Internal: run the specs in this process and write -ResultFile.
    [Parameter(ParameterSetName = 'Child', Mandatory)]
    [switch] $Child,
    [Parameter(ParameterSetName = 'Child', Mandatory)]
    [string] $ResultFile,
    # Internal: -Path for the child, one path per line (pwsh -File cannot pass an array).
    [Parameter(ParameterSetName = 'Child')]
    [string] $PathList
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

if ($Child) {
    Import-Module Pester -MinimumVersion 6.0.0 -ErrorAction Stop
    $configuration = New-PesterConfiguration
    $configuration.Run.Path = if ($PathList) { @($PathList -split "`n") } else { $Path }
    $configuration.Run.PassThru = $true
    $configuration.Output.Verbosity = 'Normal'
    $configuration.Output.RenderMode = 'Plaintext'
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputFormat = 'NUnitXml'
    $configuration.TestResult.OutputPath = $ResultFile
    $configuration.TestResult.TestSuiteName = "ModelPack specs on pwsh $($PSVersionTable.PSVersion)"
    $result = Invoke-Pester -Configuration $configuration
    exit $(if ($result.Result -eq 'Passed') { 0 } else { 1 })
}

Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
$null = New-Item -ItemType Directory -Force -Path $ResultsPath
$ResultsPath = (Resolve-Path -LiteralPath $ResultsPath).ProviderPath
$Path = @($Path | ForEach-Object { (Resolve-Path -LiteralPath $_).ProviderPath })
$missing = @()
if (-not $PowerShell) {
    $bin = if ($env:MODELPACK_TOOLS_BIN) { $env:MODELPACK_TOOLS_BIN } else { '/opt/modelpack-tools/bin' }
    $PowerShell = @('pwsh-7.4', 'pwsh-7.6' | ForEach-Object { Join-Path $bin $_ } | Where-Object { Test-Path -LiteralPath $_ })
    foreach ($name in 'pwsh-7.4', 'pwsh-7.6') {
        if (-not (Test-Path -LiteralPath (Join-Path $bin $name))) { $missing += $name }
    }
    if (-not $PowerShell) { $PowerShell = @(Join-Path $PSHOME 'pwsh') }
}

$registry = Start-SpecRegistry -Directory (Join-Path ([IO.Path]::GetTempPath()) "modelpack-specs-$PID")
$runs = @()
try {
    Write-Host "Pester specs: docker-registry on $($registry.HostPort); $($PowerShell -join ', ')"
    foreach ($pwsh in $PowerShell) {
        $name = [IO.Path]::GetFileName($pwsh)
        $log = Join-Path $ResultsPath "pester-$name.log"
        $xml = Join-Path $ResultsPath "pester-$name.xml"
        Remove-Item -LiteralPath $xml, $log -ErrorAction Ignore
        $start = [Diagnostics.ProcessStartInfo]::new($pwsh)
        foreach ($argument in @('-NoProfile', '-NonInteractive', '-File', $PSCommandPath, '-Child', '-ResultFile', $xml, '-PathList', ($Path -join "`n"))) {
            $start.ArgumentList.Add($argument)
        }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['MODELPACK_SPEC_REGISTRY'] = $registry.HostPort
        $start.Environment['MODELPACK_SPEC_PWSH'] = $pwsh
        $process = [Diagnostics.Process]::Start($start)
        $runs += [pscustomobject]@{
            Name = $name; Process = $process; Xml = $xml; Log = $log
            Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync()
        }
    }

    foreach ($run in $runs) { $run.Process.WaitForExit() }
}
finally {
    foreach ($run in $runs) { if (-not $run.Process.HasExited) { $run.Process.Kill($true) } }
    Stop-SpecRegistry $registry
}

$passed = 0; $failed = 0; $skipped = 0
$lines = foreach ($run in $runs) {
    $output = $run.Output.Result + $run.Errors.Result
    Set-Content -LiteralPath $run.Log -Value $output
    Write-Host "---- $($run.Name) (exit code $($run.Process.ExitCode)) ----"
    Write-Host $output
    if (Test-Path -LiteralPath $run.Xml) {
        $summary = ([xml](Get-Content -LiteralPath $run.Xml -Raw)).'test-results'
        $total = [int]$summary.total; $failures = [int]$summary.failures + [int]$summary.errors
        $notRun = [int]$summary.'not-run' + [int]$summary.skipped + [int]$summary.ignored + [int]$summary.inconclusive
        $ok = $total - $failures - $notRun
        # A run that stopped early (a crash in a BeforeAll, a broken file) fails even if what ran passed.
        if ($run.Process.ExitCode -ne 0 -and $failures -eq 0) { $failures = 1 }
    }
    else {
        $ok = 0; $failures = 1; $notRun = 0
    }
    $passed += $ok; $failed += $failures; $skipped += $notRun
    "Pester on $($run.Name): $ok passed, $failures failed, $notRun skipped"
}
foreach ($name in $missing) {
    if (Test-SpecCI) { $failed++; $lines += "Pester on ${name}: not installed (CI needs it): 1 failed" }
    else { $lines += "Pester on ${name}: not installed; its run is skipped" }
}

$lines | ForEach-Object { Write-Host $_ }
Write-Host "Pester: $passed passed, $failed failed, $skipped skipped"
Set-Content -LiteralPath (Join-Path $ResultsPath 'pester.counts') -Value "$passed $failed $skipped"
exit $(if ($failed) { 1 } else { 0 })
