# Helpers of the Pester specs: the built module, one real docker-registry for the whole run, an
# isolated store per spec file and tiny models. Imported by every *.Tests.ps1 in this folder.

Set-StrictMode -Version Latest

$script:RepoRoot = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
$script:OwnRegistry = $null

# The module under test: out/ModelPack (the build's layout), or MODELPACK_SPEC_MODULE.
function Get-SpecModulePath {
    if ($env:MODELPACK_SPEC_MODULE) { return $env:MODELPACK_SPEC_MODULE }
    Join-Path $script:RepoRoot 'out/ModelPack/ModelPack.psd1'
}

function Get-SpecRepoRoot { $script:RepoRoot }

# True where a test that needs a real tool must fail instead of skipping (CI has every tool).
function Test-SpecCI { $env:CI -eq 'true' }

function Find-SpecTool([string] $Name) {
    $command = Get-Command $Name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($command) { $command.Source }
}

# Starts docker-registry (CNCF distribution) on 127.0.0.1 with a port it picks (addr 127.0.0.1:0),
# read from its log; storage in $Directory. REGISTRY_* variables are not passed on: the registry
# reads them as configuration overrides (podman's REGISTRY_AUTH_FILE would reconfigure it).
function Start-SpecRegistry {
    param([Parameter(Mandatory)] [string] $Directory)

    $executable = Find-SpecTool docker-registry
    if (-not $executable) { throw 'docker-registry is not installed (apt-get install docker-registry).' }
    $null = New-Item -ItemType Directory -Force -Path $Directory
    $config = Join-Path $Directory 'config.yml'
    $data = (Join-Path $Directory 'data').Replace("'", "''")
    Set-Content -LiteralPath $config -Value @(
        'version: 0.1'
        'log:'
        '  level: info'
        '  accesslog:'
        '    disabled: true'
        'storage:'
        '  filesystem:'
        "    rootdirectory: '$data'"
        '  delete:'
        '    enabled: true'
        'http:'
        '  addr: 127.0.0.1:0'
        '  secret: modelpack-specs'
    )
    # Under a small sh watchdog that stops the registry when this process ends, however it ends (a spec
    # file run on its own, Ctrl+C), and then removes its folder: .NET does not end children with their parent.
    $watchdog = '"$3" serve "$1" & r=$!; trap "kill $r" TERM; while kill -0 "$2" 2>/dev/null && kill -0 $r 2>/dev/null; do sleep 1; done; ' +
        'kill $r 2>/dev/null; wait $r; kill -0 "$2" 2>/dev/null || rm -rf "$4"'
    $start = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
    foreach ($argument in '-c', $watchdog, 'spec-registry', $config, "$PID", $executable, $Directory) { $start.ArgumentList.Add($argument) }
    $start.UseShellExecute = $false
    $start.RedirectStandardError = $true
    $start.RedirectStandardOutput = $true
    foreach ($name in @($start.Environment.Keys)) { if ($name -like 'REGISTRY_*') { [void]$start.Environment.Remove($name) } }
    $process = [Diagnostics.Process]::Start($start)
    $hostPort = $null
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not $hostPort) {
        $left = [int]($deadline - [DateTime]::UtcNow).TotalMilliseconds
        $line = $process.StandardError.ReadLineAsync()
        if ($left -le 0 -or -not $line.Wait($left) -or $null -eq $line.Result) {
            if (-not $process.HasExited) { $process.Kill($true) }
            throw "docker-registry did not report its address (exit code $(if ($process.HasExited) { $process.ExitCode } else { 'none' }))."
        }
        if ($line.Result -match 'listening on (127\.0\.0\.1:\d+)') { $hostPort = $Matches[1] }
    }

    # Keep reading its output so that the registry never blocks on a full pipe.
    $null = $process.StandardError.ReadToEndAsync()
    $null = $process.StandardOutput.ReadToEndAsync()
    [pscustomobject]@{ Process = $process; HostPort = $hostPort; Directory = $Directory }
}

function Stop-SpecRegistry($Registry) {
    if (-not $Registry) { return }
    if (-not $Registry.Process.HasExited) {
        $Registry.Process.Kill($true)
        [void]$Registry.Process.WaitForExit(5000)
    }
    $Registry.Process.Dispose()
    Remove-Item -LiteralPath $Registry.Directory -Recurse -Force -ErrorAction Ignore
}

# host:port of the run's registry: the one Invoke-Specs.ps1 started (MODELPACK_SPEC_REGISTRY), or,
# when a spec file is run on its own, one started for this process (its watchdog stops it when the
# process exits).
function Get-SpecRegistry {
    if ($env:MODELPACK_SPEC_REGISTRY) { return $env:MODELPACK_SPEC_REGISTRY }
    if (-not $script:OwnRegistry) {
        $script:OwnRegistry = Start-SpecRegistry -Directory (Join-Path ([IO.Path]::GetTempPath()) "modelpack-spec-registry-$PID")
    }
    $script:OwnRegistry.HostPort
}

# The variables that decide where the module keeps and finds things; Use-SpecStore replaces them
# all and Restore-SpecEnvironment puts the caller's values back.
$script:SessionVariables = @('MODELPACK_STORE', 'MODELPACK_ENGINE', 'MODELPACK_STRATEGY', 'MODELPACK_CONFIG', 'XDG_CONFIG_HOME',
    'REGISTRY_AUTH_FILE', 'DOCKER_CONFIG', 'CONTAINERS_REGISTRIES_CONF')

# A store of its own (no engine: HttpBind), no user config, no auth files: what a spec file sees is
# only what it made. The folder is a temp folder of its own, not Pester's TestDrive: Pester deletes
# what a Describe block added to TestDrive when the block ends, which would take blobs out from
# under the store. Returns what Restore-SpecEnvironment needs to put the caller's values back.
function Use-SpecStore {
    $root = Join-Path ([IO.Path]::GetTempPath()) "modelpack-spec-$([guid]::NewGuid().ToString('n').Substring(0, 12))"
    $saved = @{}
    foreach ($name in $script:SessionVariables) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    $null = New-Item -ItemType Directory -Force -Path $root
    $env:MODELPACK_STORE = Join-Path $root 'store'
    $env:MODELPACK_ENGINE = 'none'
    $env:XDG_CONFIG_HOME = Join-Path $root 'config'
    $env:REGISTRY_AUTH_FILE = Join-Path $root 'no-auth.json'
    $env:DOCKER_CONFIG = Join-Path $root 'no-docker'
    $env:CONTAINERS_REGISTRIES_CONF = Join-Path $root 'no-registries.conf'
    Remove-Item Env:MODELPACK_STRATEGY, Env:MODELPACK_CONFIG -ErrorAction Ignore
    [pscustomobject]@{ Root = $root; Variables = $saved }
}

function Restore-SpecEnvironment($Saved) {
    if (-not $Saved) { return }
    foreach ($entry in $Saved.Variables.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
    Remove-Item -LiteralPath $Saved.Root -Recurse -Force -ErrorAction Ignore
}

# A folder holding a tiny model: a weight, its config and a README (a few bytes each, different
# per -Seed so that two models share no blob unless asked to).
function New-SpecModelFolder {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string] $Seed = 'tiny',
        [int] $WeightBytes = 64
    )

    $null = New-Item -ItemType Directory -Force -Path $Path
    $weight = [byte[]]::new($WeightBytes)
    [Random]::new($Seed.GetHashCode()).NextBytes($weight)
    [IO.File]::WriteAllBytes((Join-Path $Path 'model.gguf'), $weight)
    Set-Content -LiteralPath (Join-Path $Path 'config.json') -Value ('{"model":"' + $Seed + '"}') -NoNewline
    Set-Content -LiteralPath (Join-Path $Path 'README.md') -Value "# $Seed" -NoNewline
    Get-Item -LiteralPath $Path
}

# Packs a tiny model into the current store as $Reference (and publishes it with -Publish).
function New-SpecModel {
    param(
        [Parameter(Mandatory)] [string] $Reference,
        [Parameter(Mandatory)] [string] $WorkDirectory,
        [string] $Name = 'tiny',
        [int] $WeightBytes = 64,
        [switch] $Publish
    )

    $folder = New-SpecModelFolder -Path (Join-Path $WorkDirectory ([guid]::NewGuid().ToString('n'))) -Seed "$Reference" -WeightBytes $WeightBytes
    $artifact = New-ModelArtifact -Path $folder.FullName -Reference $Reference -Name $Name -Family spec -ParamSize 1k -Precision int8 -Quantization q4_0 -Format gguf
    if ($Publish) { $artifact | Publish-ModelArtifact | Out-Null }
    $artifact
}

# A repository name unique to this run and spec file, so files and pwsh versions sharing the
# registry never see each other's models.
function New-SpecRepository([string] $Name) {
    $version = $PSVersionTable.PSVersion
    "specs/$($version.Major)$($version.Minor)/$Name-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
}

Export-ModuleMember -Function *-Spec*
