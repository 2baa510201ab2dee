# ModelPack beside another binary module that ships older System.Text.Json and SharpCompress
# (tests/NeighbourModule: System.Text.Json 8.0.5, SharpCompress 0.48.1), imported first and imported
# second, each order in a pwsh of its own (the same version as this one): a pull of a tar+zstd model from
# the real docker-registry (JSON, tar and zstd), and the neighbour's own JSON and tar, before and after.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
    $script:ModulePath = Get-SpecModulePath
    Import-Module $ModulePath -Force
    $script:Neighbour = Join-Path (Get-SpecRepoRoot) 'tests/NeighbourModule/bin/Release/netstandard2.0/NeighbourModule.dll'
    if (-not (Test-Path -LiteralPath $Neighbour)) { throw "The neighbour module is not built: $Neighbour (dotnet build ModelPack.PowerShell.sln -c Release)." }
    $script:Saved = Use-SpecStore
    $script:Registry = Get-SpecRegistry
    $folder = New-SpecModelFolder -Path (Join-Path $Saved.Root 'model') -Seed isolation
    $script:Reference = "$Registry/$(New-SpecRepository isolation):1.0"
    # Weights stay raw; the config and the README become tar+zstd layers.
    New-ModelArtifact -Path $folder.FullName -Reference $Reference -Packing TarZstd | Publish-ModelArtifact | Out-Null
    Remove-ModelArtifact -Reference $Reference -Force

    # One session of the same pwsh: imports in the given order, uses the neighbour before and after
    # ModelPack's pull, and reports as JSON what ran where.
    $script:Session = Join-Path $Saved.Root 'session.ps1'
    Set-Content -LiteralPath $Session -Value @'
param($Order, $ModelPack, $Neighbour, $Reference, $Store)
$ErrorActionPreference = 'Stop'
$env:MODELPACK_STORE = $Store
$result = [ordered]@{}
if ($Order -eq 'NeighbourFirst') {
    Import-Module $Neighbour
    $result.Before = Test-Neighbour 'first'
    Import-Module $ModelPack
}
else {
    Import-Module $ModelPack
    $result.Before = $null
}
$saved = Save-ModelArtifact -Reference $Reference -PassThru
$result.Files = @($saved.Files | ForEach-Object { "$($_.Path):$($_.Packing)" } | Sort-Object)
$result.Valid = (Test-ModelArtifact -InputObject $saved).IsValid
# PowerShell's own JsonSchema.Net (in $PSHOME) still works in a session that uses ModelPack.
$result.TestJson = Test-Json -Json '{"a":1}' -Schema '{"type":"object","required":["a"]}'
$result.TestJsonRejects = -not (Test-Json -Json '{}' -Schema '{"type":"object","required":["a"]}' -ErrorAction SilentlyContinue)
$result.Readme = Get-Content -LiteralPath (Join-Path $saved.Path 'README.md') -Raw
if ($Order -ne 'NeighbourFirst') { Import-Module $Neighbour }
$result.After = Test-Neighbour 'second'
$result.Again = (Get-ModelArtifact -Reference $Reference).Digest -eq $saved.Digest
$engine = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($saved.GetType().Assembly)
$private = @{}
foreach ($assembly in $engine.Assemblies) { $private[$assembly.GetName().Name] = $assembly.GetName().Version.ToString() }
$result.EngineContext = $engine.GetType().FullName
$result.EngineAssemblies = $private
$result.DefaultJson = [System.Text.Json.JsonSerializer].Assembly.GetName().Version.ToString()
$result.TypeLiteral = $saved -is [ModelPack.ModelArtifact]
$result | ConvertTo-Json -Depth 4 -Compress
'@
    function script:Invoke-Session([string] $Order) {
        $pwsh = if ($env:MODELPACK_SPEC_PWSH) { $env:MODELPACK_SPEC_PWSH } else { [Environment]::ProcessPath }
        $store = Join-Path $Saved.Root "store-$Order"
        $output = & $pwsh -NoProfile -NonInteractive -File $Session -Order $Order -ModelPack $ModulePath -Neighbour $Neighbour -Reference $Reference -Store $store 2>&1
        $text = ($output | Out-String)
        if ($LASTEXITCODE -ne 0) { throw "the $Order session failed (exit code $LASTEXITCODE): $text" }
        ($output | Select-Object -Last 1) | ConvertFrom-Json
    }
}

AfterAll {
    Restore-SpecEnvironment $script:Saved
}

Describe 'ModelPack and a module with older System.Text.Json and SharpCompress (<_>)' -ForEach 'NeighbourFirst', 'ModelPackFirst' {
    BeforeAll {
        $script:Result = Invoke-Session $_
    }

    It 'pulls the tar+zstd model and validates it' {
        $Result.Files | Should -Be 'config.json:TarZstd', 'model.gguf:Raw', 'README.md:TarZstd'
        $Result.Valid | Should -BeTrue
        $Result.Readme | Should -Be '# isolation'
        $Result.Again | Should -BeTrue
    }

    It 'runs ModelPack on its own System.Text.Json 10 and SharpCompress 0.50 in its own load context, and Test-Json on PowerShell''s' {
        $Result.EngineContext | Should -Be 'ModelPack.Loading.EngineLoadContext'
        $Result.EngineAssemblies.'ModelPack.Core' | Should -Be '0.1.0.0'
        $Result.EngineAssemblies.SharpCompress | Should -Be '0.50.8.0'
        $Result.TestJson | Should -BeTrue
        $Result.TestJsonRejects | Should -BeTrue
        # Private where the platform's is older (pwsh 7.4: .NET 8's 8.0); never the neighbour's.
        $json = if ($Result.EngineAssemblies.'System.Text.Json') { $Result.EngineAssemblies.'System.Text.Json' } else { $Result.DefaultJson }
        ([version]$json).Major | Should -Be 10
        $Result.TypeLiteral | Should -BeTrue
    }

    It 'leaves the neighbour on its own SharpCompress 0.48 and the session''s System.Text.Json, before and after' {
        foreach ($run in @($Result.Before, $Result.After) | Where-Object { $_ }) {
            $run.SharpCompressVersion | Should -Be '0.48.1.0'
            $run.JsonVersion | Should -Be $Result.DefaultJson
            $run.Entries | Should -Be 'neighbour/text.txt'
        }
        $Result.After.Text | Should -Be 'second'
        if ($_ -eq 'NeighbourFirst') { $Result.Before.Text | Should -Be 'first' }
    }
}
