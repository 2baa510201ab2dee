<#
.SYNOPSIS
    The whole life of a model: pack a folder, publish it, remove it, pull it back, mount it.
.DESCRIPTION
    Writes a small model folder (a weight file, its config, a tokenizer and a README), then:
      New-ModelArtifact      packs it into the local store (no network)
      Publish-ModelArtifact  pushes it to -Registry
      Remove-ModelArtifact   deletes it from the store
      Save-ModelArtifact     downloads it again, verifying every blob
      Get-ModelMount         gives the read-only bind mount for podman or docker
      Test-ModelArtifact     re-verifies every blob and snapshot file
    and checks that every file the container would see has the bytes of the original folder.
    Prints the podman and docker command lines that run a container with the model mounted.

    The store is a folder of its own under -WorkDirectory (MODELPACK_STORE is set for the run),
    so your own store is not touched. Uses only .NET and Microsoft.PowerShell.Core, so it also runs
    in the bundled runner (tools/PSRunner).
.PARAMETER Registry
    host:port of an OCI registry to publish to, for example 127.0.0.1:5000. Loopback registries may
    use plain HTTP; for others give -SkipTlsVerify if they need it.
.PARAMETER WorkDirectory
    Where the model folder and the store are written (a new temp folder by default; removed
    afterwards unless -Keep).
.PARAMETER Repository
    The repository to publish to.
.PARAMETER Tag
    The tag to publish as.
.PARAMETER SkipTlsVerify
    Allow plain HTTP or unverified TLS for -Registry.
.PARAMETER Keep
    Keep the work directory (model folder and store) afterwards.
.EXAMPLE
    ./examples/Lifecycle.ps1 -Registry 127.0.0.1:5000
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string] $Registry,
    [string] $WorkDirectory = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'modelpack-lifecycle-' + [guid]::NewGuid().ToString('n').Substring(0, 8)),
    [string] $Repository = 'models/lifecycle-demo',
    [string] $Tag = '1.0',
    [switch] $SkipTlsVerify,
    [switch] $Keep
)

$ErrorActionPreference = 'Stop'
if (-not (Get-Module ModelPack)) {
    $modulePath = [System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'ModelPack', 'ModelPack.psd1')
    Import-Module ([System.IO.Path]::GetFullPath($modulePath))
}

function Say([string] $Text) { $Host.UI.WriteLine(''); $Host.UI.WriteLine("== $Text") }

function Get-FileSha256([string] $Path) {
    $sha = [System.Security.Cryptography.SHA256]::Create()
    $stream = [System.IO.File]::OpenRead($Path)
    try { ($sha.ComputeHash($stream) | ForEach-Object { $_.ToString('x2') }) -join '' } finally { $stream.Dispose(); $sha.Dispose() }
}

$reference = "$Registry/${Repository}:$Tag"
$model = [System.IO.Path]::Combine($WorkDirectory, 'model')
$store = [System.IO.Path]::Combine($WorkDirectory, 'store')
$previousStore = $env:MODELPACK_STORE
$env:MODELPACK_STORE = $store
$tls = @{}
if ($SkipTlsVerify) { $tls.SkipTlsVerify = $true }
# Save-ModelArtifact and Get-ModelMount take -Strategy where the module has strategies; HttpBind is the
# store-and-bind strategy this walk-through shows, and the one that needs no container engine.
$saveStrategy = @{}
if ((Get-Command Save-ModelArtifact).Parameters.ContainsKey('Strategy')) { $saveStrategy.Strategy = 'HttpBind' }
$mountStrategy = @{}
if ((Get-Command Get-ModelMount).Parameters.ContainsKey('Strategy')) { $mountStrategy.Strategy = 'HttpBind' }

try {
    Say "Writing a small model folder in $model"
    [void][System.IO.Directory]::CreateDirectory($model)
    $weights = [byte[]]::new(256 * 1024); [System.Random]::new(7).NextBytes($weights)
    [System.IO.File]::WriteAllBytes([System.IO.Path]::Combine($model, 'tiny.gguf'), $weights)
    [System.IO.File]::WriteAllText([System.IO.Path]::Combine($model, 'config.json'), '{"architectures":["TinyForCausalLM"],"hidden_size":64}')
    [System.IO.File]::WriteAllText([System.IO.Path]::Combine($model, 'tokenizer.json'), '{"model":{"type":"BPE","vocab":{}}}')
    [System.IO.File]::WriteAllText([System.IO.Path]::Combine($model, 'README.md'), "# lifecycle-demo`nA 256 KiB model made by examples/Lifecycle.ps1.`n")
    $originals = @{}
    [System.IO.Directory]::GetFiles($model) | ForEach-Object { $originals[[System.IO.Path]::GetFileName($_)] = Get-FileSha256 $_ }

    Say "New-ModelArtifact: pack the folder into the store as $reference"
    New-ModelArtifact -Path $model -Reference $reference -Name lifecycle-demo -Family demo -Version $Tag -ParamSize 64k -License Apache-2.0 -WhatIf
    $packed = New-ModelArtifact -Path $model -Reference $reference -Name lifecycle-demo -Family demo -Version $Tag -ParamSize 64k -License Apache-2.0 -Force
    $packed | Out-Default
    $packed.Files | Out-Default

    Say "Publish-ModelArtifact: push it to $Registry"
    # -Verbose ends with a summary; 4>&1 brings the verbose records into the output to show it.
    $published = $packed | Publish-ModelArtifact -PassThru -Verbose @tls 4>&1
    $remote = $published | Where-Object { $_ -is [ModelPack.ModelArtifact] }
    $remote | Out-Default
    $published | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and ($_.Message -like '* now names *' -or $_.Message -like '* already names *') } | ForEach-Object { "  $($_.Message)" } | Out-Default
    if ($remote.Digest -ne $packed.Digest) { throw "The registry holds $($remote.Digest), not the packed $($packed.Digest)." }
    $again = Publish-ModelArtifact $reference -Verbose @tls 4>&1
    $again | Where-Object { $_.Message -like '*nothing was uploaded*' } | ForEach-Object { "  Publishing again: $($_.Message)" } | Out-Default

    Say 'Remove-ModelArtifact: delete it from the store'
    Remove-ModelArtifact $reference -Force
    "  models in the store: $(@(Get-ModelArtifact).Count)" | Out-Default

    Say "Save-ModelArtifact: download it again from $Registry"
    $saved = Save-ModelArtifact $reference -PassThru @tls @saveStrategy
    $saved | Out-Default
    if ($saved.Digest -ne $packed.Digest) { throw "Saved $($saved.Digest), but $($packed.Digest) was published." }

    Say 'Get-ModelMount: the read-only bind mount for a container'
    $mount = $saved | Get-ModelMount @mountStrategy
    $mount | Out-Default
    $checked = 0
    foreach ($name in $originals.Keys) {
        $copy = [System.IO.Path]::Combine($mount.Source, $name)
        if ((Get-FileSha256 $copy) -ne $originals[$name]) { throw "$name in the mounted folder differs from the original." }
        $checked++
    }
    "  all $checked files in $($mount.Source) match the original folder" | Out-Default
    "  podman run --rm $($mount.Argument) busybox sha256sum $($mount.EntryPath)" | Out-Default
    "  docker run --rm $($mount.Argument) busybox ls -l $($mount.Destination)" | Out-Default

    Say 'Test-ModelArtifact: re-verify every blob and snapshot file'
    $result = $saved | Test-ModelArtifact
    $result | Out-Default
    if (-not $result.IsValid) { throw "Test-ModelArtifact found problems: $($result.Violations -join '; ')" }

    "Lifecycle finished: $reference is $($saved.Digest)"
}
finally {
    if (-not $Keep) {
        Remove-ModelArtifact -Reference '*' -Force -ErrorAction SilentlyContinue
        if ([System.IO.Directory]::Exists($WorkDirectory)) { [System.IO.Directory]::Delete($WorkDirectory, $true) }
    }

    $env:MODELPACK_STORE = $previousStore
}
