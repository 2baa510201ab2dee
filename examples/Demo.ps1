<#
.SYNOPSIS
    Works a small generated model through ModelPack with no container engine.
.DESCRIPTION
    Writes a tiny ModelPack artifact (a weight file, its config and a README) as an OCI image
    layout, the same format `skopeo copy ... oci:DIR:TAG` writes, then lists it, inspects its
    files, validates it, damages a copy of one blob and shows Test-ModelArtifact catching it.
    This part needs no network.

    Then, when docker-registry (CNCF distribution) is installed, it starts one on 127.0.0.1 with
    its storage in the work folder and runs examples/Lifecycle.ps1 against it: New-ModelArtifact,
    Publish-ModelArtifact, Remove-ModelArtifact, Save-ModelArtifact, Get-ModelMount and
    Test-ModelArtifact. The registry is stopped afterwards.

    Uses only .NET and Microsoft.PowerShell.Core, so it also runs in the bundled runner.
.PARAMETER WorkDirectory
    Where to write the demo layout (a new temp folder by default; removed afterwards unless -Keep).
#>
[CmdletBinding()]
param(
    [string] $WorkDirectory = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'modelpack-demo-' + [guid]::NewGuid().ToString('n').Substring(0, 8)),
    [switch] $Keep
)

$ErrorActionPreference = 'Stop'
$modulePath = [System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'ModelPack', 'ModelPack.psd1')
Import-Module ([System.IO.Path]::GetFullPath($modulePath)) -Force

function Say([string] $Text) { $Host.UI.WriteLine(''); $Host.UI.WriteLine("== $Text") }

function Get-Sha256Hex([byte[]] $Bytes) {
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try { ($sha.ComputeHash($Bytes) | ForEach-Object { $_.ToString('x2') }) -join '' } finally { $sha.Dispose() }
}

# Writes one blob of the layout and returns its OCI descriptor as an ordered hashtable.
function Add-Blob([string] $Root, [byte[]] $Bytes, [string] $MediaType, [hashtable] $Annotations) {
    $hex = Get-Sha256Hex $Bytes
    [System.IO.File]::WriteAllBytes([System.IO.Path]::Combine($Root, 'blobs', 'sha256', $hex), $Bytes)
    $d = [ordered]@{ mediaType = $MediaType; digest = "sha256:$hex"; size = $Bytes.Length }
    if ($Annotations) { $d.annotations = $Annotations }
    $d
}

# Starts docker-registry on 127.0.0.1 with a port it picks itself (addr 127.0.0.1:0), read from its log.
function Start-DemoRegistry([string] $Executable, [string] $Directory) {
    [void][System.IO.Directory]::CreateDirectory($Directory)
    $config = [System.IO.Path]::Combine($Directory, 'config.yml')
    $data = [System.IO.Path]::Combine($Directory, 'data')
    [System.IO.File]::WriteAllText($config, (@(
        'version: 0.1'
        'log:'
        '  level: info'
        '  accesslog:'
        '    disabled: true'
        'storage:'
        '  filesystem:'
        "    rootdirectory: '$($data.Replace("'", "''"))'"
        '  delete:'
        '    enabled: true'
        'http:'
        '  addr: 127.0.0.1:0'
        '  secret: modelpack-demo'
    ) -join "`n"))
    $start = [System.Diagnostics.ProcessStartInfo]::new($Executable)
    $start.ArgumentList.Add('serve')
    $start.ArgumentList.Add($config)
    $start.UseShellExecute = $false
    $start.RedirectStandardError = $true
    $start.RedirectStandardOutput = $true
    # docker-registry reads REGISTRY_* variables as configuration overrides; podman's REGISTRY_AUTH_FILE
    # (often set) would be taken for an 'auth.file' section and stop it. The config file says everything.
    foreach ($name in @($start.Environment.Keys)) { if ($name -like 'REGISTRY_*') { [void]$start.Environment.Remove($name) } }
    $process = [System.Diagnostics.Process]::Start($start)
    $hostPort = $null
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while (-not $hostPort) {
        $left = [int]($deadline - [DateTime]::UtcNow).TotalMilliseconds
        $line = $process.StandardError.ReadLineAsync()
        if ($left -le 0 -or -not $line.Wait($left) -or $null -eq $line.Result) {
            if (-not $process.HasExited) { $process.Kill($true) }
            throw "docker-registry did not report its address (exit code $(if ($process.HasExited) { $process.ExitCode } else { 'none' }))."
        }

        if ($line.Result -match 'listening on (127\.0\.0\.1:\d+)') { $hostPort = $Matches[1] }
    }

    # Keep reading its output so the registry never blocks on a full pipe.
    $null = $process.StandardError.ReadToEndAsync()
    $null = $process.StandardOutput.ReadToEndAsync()
    [pscustomobject]@{ Process = $process; HostPort = $hostPort; Directory = $Directory }
}

function Stop-DemoRegistry($Registry) {
    if (-not $Registry.Process.HasExited) {
        $Registry.Process.Kill($true)
        [void]$Registry.Process.WaitForExit(5000)
    }

    $Registry.Process.Dispose()
}

function ConvertTo-JsonText($Value) {
    # Microsoft.PowerShell.Utility (ConvertTo-Json) may be absent: serialise with System.Text.Json.
    [System.Text.Json.JsonSerializer]::Serialize([object]$Value, [object])
}

$utf8 = [System.Text.UTF8Encoding]::new($false)
$layout = [System.IO.Path]::Combine($WorkDirectory, 'layout')
[void][System.IO.Directory]::CreateDirectory([System.IO.Path]::Combine($layout, 'blobs', 'sha256'))
[System.IO.File]::WriteAllText([System.IO.Path]::Combine($layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')

Say "Packing a tiny model as an OCI image layout in $layout"
$weights = [byte[]]::new(4096); [System.Random]::new(42).NextBytes($weights)
$readme = $utf8.GetBytes("# tiny-demo`nA 4 KiB model made by examples/Demo.ps1.`n")
$meta = { param($name, $size) '{"name":"' + $name + '","mode":420,"uid":0,"gid":0,"size":' + $size + ',"mtime":"2026-01-01T00:00:00Z","typeflag":48}' }
$weightLayer = Add-Blob $layout $weights 'application/vnd.cncf.model.weight.v1.raw' @{
    'org.cncf.model.filepath' = 'tiny.gguf'; 'org.cncf.model.file.metadata+json' = (& $meta 'tiny.gguf' 4096); 'org.opencontainers.image.title' = 'tiny.gguf' }
$docLayer = Add-Blob $layout $readme 'application/vnd.cncf.model.doc.v1.raw' @{
    'org.cncf.model.filepath' = 'README.md'; 'org.cncf.model.file.metadata+json' = (& $meta 'README.md' $readme.Length); 'org.opencontainers.image.title' = 'README.md' }
$configJson = '{"descriptor":{"createdAt":"2026-01-01T00:00:00Z","name":"tiny-demo","family":"demo","version":"1.0"},' +
    '"modelfs":{"type":"layers","diffIds":["' + $weightLayer.digest + '","' + $docLayer.digest + '"]},' +
    '"config":{"format":"gguf","paramSize":"1k","precision":"int8"}}'
$config = Add-Blob $layout $utf8.GetBytes($configJson) 'application/vnd.cncf.model.config.v1+json' $null
$manifest = [ordered]@{
    schemaVersion = 2
    mediaType = 'application/vnd.oci.image.manifest.v1+json'
    artifactType = 'application/vnd.cncf.model.manifest.v1+json'
    config = $config
    layers = @($weightLayer, $docLayer)
}
$manifestDescriptor = Add-Blob $layout $utf8.GetBytes((ConvertTo-JsonText $manifest)) 'application/vnd.oci.image.manifest.v1+json' @{ 'org.opencontainers.image.ref.name' = 'tiny-demo:1.0' }
[System.IO.File]::WriteAllText([System.IO.Path]::Combine($layout, 'index.json'),
    (ConvertTo-JsonText ([ordered]@{ schemaVersion = 2; mediaType = 'application/vnd.oci.image.index.v1+json'; manifests = @($manifestDescriptor) })))

try {
    Say 'Get-ModelArtifact -Path <layout>'
    $artifact = Get-ModelArtifact -Path $layout
    $artifact | Out-Default

    Say 'Its files'
    $artifact.Files | Out-Default

    Say 'Test-ModelArtifact: manifest, config and every blob re-hashed'
    $artifact | Test-ModelArtifact | Out-Default

    Say 'Damaging one byte of the weight blob, then testing again'
    $blob = [System.IO.Path]::Combine($layout, 'blobs', 'sha256', $weightLayer.digest.Substring(7))
    $bytes = [System.IO.File]::ReadAllBytes($blob); $bytes[0] = $bytes[0] -bxor 0xFF
    [System.IO.File]::WriteAllBytes($blob, $bytes)
    $result = Test-ModelArtifact -Path $layout
    $result | Out-Default
    if ($result.IsValid) { throw 'Test-ModelArtifact missed the damaged blob.' }

    Say 'The lifecycle: pack, publish, remove, save, mount'
    $registryExe = @(Get-Command docker-registry -CommandType Application -ErrorAction SilentlyContinue)
    if ($registryExe.Count -eq 0) {
        'docker-registry is not installed, so the lifecycle part is skipped. examples/Lifecycle.ps1 -Registry host:port runs it against any registry.'
    }
    else {
        $registry = Start-DemoRegistry $registryExe[0].Source ([System.IO.Path]::Combine($WorkDirectory, 'registry'))
        try {
            "Started docker-registry on $($registry.HostPort) (storage in $($registry.Directory))."
            & ([System.IO.Path]::Combine($PSScriptRoot, 'Lifecycle.ps1')) -Registry $registry.HostPort -WorkDirectory ([System.IO.Path]::Combine($WorkDirectory, 'lifecycle')) -Keep:$Keep | Out-Default
        }
        finally {
            Stop-DemoRegistry $registry
        }
    }

    'Demo finished: the damaged blob was detected.'
}
finally {
    if (-not $Keep) { [System.IO.Directory]::Delete($WorkDirectory, $true) }
}
