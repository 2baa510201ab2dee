# Errors as scripts handle them: -ErrorAction, -ErrorVariable, $ErrorActionPreference, try/catch and
# $Error, each with the specific ErrorId, the category and the offending value as target; one bad
# input of a pipeline does not stop the others.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
    Import-Module (Get-SpecModulePath) -Force
    $script:Saved = Use-SpecStore
    $script:Registry = Get-SpecRegistry
    $script:Repository = "$Registry/$(New-SpecRepository errors)"
    $script:Stored = (New-SpecModel -Reference "$Repository/stored:1.0" -WorkDirectory (Join-Path $TestDrive 'work') -Publish).Reference
    $script:Absent = "$Repository/absent:1.0"
}

AfterAll {
    Restore-SpecEnvironment $script:Saved
}

Describe 'Non-terminating errors of <Command>' -ForEach @(
    @{ Command = 'Get-ModelArtifact'; Run = { [CmdletBinding()] param($r) Get-ModelArtifact -Reference $r } }
    @{ Command = 'Get-ModelArtifact -Remote'; Run = { [CmdletBinding()] param($r) Get-ModelArtifact -Remote -Reference $r } }
    @{ Command = 'Get-ModelMount'; Run = { [CmdletBinding()] param($r) Get-ModelMount -Reference $r } }
    @{ Command = 'Remove-ModelArtifact'; Run = { [CmdletBinding()] param($r) Remove-ModelArtifact -Reference $r -Force } }
    @{ Command = 'Save-ModelArtifact'; Run = { [CmdletBinding()] param($r) Save-ModelArtifact -Reference $r } }
    @{ Command = 'Publish-ModelArtifact'; Run = { [CmdletBinding()] param($r) Publish-ModelArtifact -Reference $r } }
    @{ Command = 'Test-ModelArtifact'; Run = { [CmdletBinding()] param($r) Test-ModelArtifact -Reference $r } }
) {
    It 'reports a reference that is nowhere with its ErrorId, ObjectNotFound and the reference as target' {
        $null = & $Run $Absent -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -Match '^(ModelArtifactNotFound|ModelArtifactNotInStore),'
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failed[0].TargetObject | Should -Be $Absent
        $failed[0].Exception | Should -BeOfType ([ModelPack.Core.Errors.ModelPackException])
    }

    It 'reports an invalid reference as InvalidModelReference, InvalidArgument' {
        $null = & $Run 'Not A/Valid:Reference!' -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'InvalidModelReference,*'
        $failed[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failed[0].TargetObject | Should -Be 'Not A/Valid:Reference!'
    }

    It 'throws it with -ErrorAction Stop, for try/catch' {
        $caught = $null
        try { $null = & $Run $Absent -ErrorAction Stop } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Match '^(ModelArtifactNotFound|ModelArtifactNotInStore),'
    }

    It 'leaves $Error alone with -ErrorAction Ignore' {
        $before = $Error.Count
        $null = & $Run $Absent -ErrorAction Ignore
        $Error.Count | Should -Be $before
    }
}

Describe 'A bad input among good ones' {
    It 'saves the good references and reports the bad one' {
        $saved = @($Stored, $Absent, 'Bad Reference' | Save-ModelArtifact -PassThru -ErrorAction SilentlyContinue -ErrorVariable failed)
        $saved.Reference | Should -Be $Stored
        $failed.FullyQualifiedErrorId -replace ',.*$' | Sort-Object | Should -Be 'InvalidModelReference', 'ModelArtifactNotFound'
    }

    It 'stops at the bad one with $ErrorActionPreference = Stop, and catch sees its ErrorId' {
        $seen = @()
        try {
            $ErrorActionPreference = 'Stop'
            foreach ($reference in $Absent, $Stored) { $seen += Get-ModelArtifact -Reference $reference }
        }
        catch [Management.Automation.ActionPreferenceStopException], [Management.Automation.RuntimeException] {
            $_.FullyQualifiedErrorId | Should -BeLike 'ModelArtifactNotFound,*'
        }
        finally {
            $ErrorActionPreference = 'Continue'
        }
        $seen | Should -BeNullOrEmpty
    }
}

Describe 'Terminating errors' {
    It 'a forced strategy the engine cannot run stops Save before any download: StrategyUnavailable, ResourceUnavailable' {
        $caught = $null
        try { Save-ModelArtifact -Reference $Stored -Strategy PodmanArtifact -ErrorAction SilentlyContinue } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'StrategyUnavailable,*'
        $caught.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $caught.Exception.Message | Should -Match 'HttpBind'
    }

    It 'a layout folder that does not exist: OciLayoutNotFound, ObjectNotFound, the path as target' {
        $missing = Join-Path $TestDrive 'no-layout'
        $caught = $null
        try { Get-ModelArtifact -Path $missing } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'OciLayoutNotFound,*'
        $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $caught.TargetObject | Should -Be $missing
    }

    It 'a malformed config file: InvalidConfiguration naming the file' {
        $config = Join-Path $TestDrive 'bad-config.json'
        Set-Content -LiteralPath $config -Value '{ "strategy": '
        $env:MODELPACK_CONFIG = $config
        try {
            $caught = $null
            try { Get-ModelArtifact } catch { $caught = $_ }
            $caught.FullyQualifiedErrorId | Should -BeLike 'InvalidConfiguration,*'
            $caught.Exception.Message | Should -Match ([regex]::Escape($config))
        }
        finally {
            Remove-Item Env:MODELPACK_CONFIG
        }
    }
}

Describe 'A registries.conf that is not valid TOML (<Command>)' -ForEach @(
    @{ Command = 'Save-ModelArtifact'; Run = { param($r) Save-ModelArtifact -Reference $r -ErrorAction SilentlyContinue -ErrorVariable failed; $failed } }
    @{ Command = 'Get-ModelArtifact -Remote'; Run = { param($r) Get-ModelArtifact -Remote -Reference $r -ErrorAction SilentlyContinue -ErrorVariable failed; $failed } }
) {
    It 'is InvalidConfiguration for each reference, naming the file and the line, the file as target' {
        # A key defined twice: TOML (and podman) refuse it.
        $conf = Join-Path $TestDrive 'registries.conf'
        Set-Content -LiteralPath $conf -Value "[aliases]`n`"tiny`" = `"a.example/tiny`"`n`"tiny`" = `"b.example/tiny`""
        $previous = $env:CONTAINERS_REGISTRIES_CONF
        $env:CONTAINERS_REGISTRIES_CONF = $conf
        try {
            $failed = @(& $Run $Stored)
            $failed | Should -HaveCount 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'InvalidConfiguration,*'
            $failed[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $failed[0].TargetObject | Should -Be $conf
            $failed[0].Exception.Message | Should -BeLike "*'$conf', line 3:*aliases.tiny*"
        }
        finally {
            $env:CONTAINERS_REGISTRIES_CONF = $previous
        }
    }
}

Describe 'Validation results are not errors' {
    It 'an invalid manifest is a result with IsValid false and its violations' {
        $manifest = Join-Path $TestDrive 'manifest.json'
        Set-Content -LiteralPath $manifest -Value '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.cncf.model.config.v1+json","digest":"sha256:xyz","size":-1},"layers":[]}'
        $result = Test-ModelArtifact -Path $manifest -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $result.IsValid | Should -BeFalse
        $result.Violations.Path | Should -Contain '$.config.digest'
        Test-ModelArtifact -Path $manifest -Quiet | Should -BeFalse
    }
}
