# -Verbose says what the module decides (strategy, authentication and credential source, what
# happens to each blob); -Debug adds the HTTP requests and answers. Both go to their own streams.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
    Import-Module (Get-SpecModulePath) -Force
    $script:Saved = Use-SpecStore
    $script:Registry = Get-SpecRegistry
    $script:Reference = "$Registry/$(New-SpecRepository streams):1.0"
    $script:Artifact = New-SpecModel -Reference $Reference -WorkDirectory (Join-Path $TestDrive 'work')
    $script:Blobs = 1 + $Artifact.Files.Count

    $script:HttpLine = '^\s*(GET|HEAD|PUT|POST|PATCH|DELETE) https?://|^\s*-> \d{3}\b'
    function Get-Lines($Records, [type] $Type) { @($Records | Where-Object { $_ -is $Type } | ForEach-Object { $_.Message }) }
}

AfterAll {
    Restore-SpecEnvironment $script:Saved
}

Describe 'Publish-ModelArtifact' {
    BeforeAll {
        # $DebugPreference rather than -Debug: on PowerShell 7.4, -Debug still asks at every line (Inquire).
        $DebugPreference = 'Continue'
        $script:First = @(Publish-ModelArtifact -Reference $Reference -Verbose 4>&1 5>&1)
        $DebugPreference = 'SilentlyContinue'
        $script:Again = @(Publish-ModelArtifact -Reference $Reference -Verbose 4>&1)
        $script:OtherTag = @(Publish-ModelArtifact -Reference $Reference -Destination ($Reference -replace ':1\.0$', ':2.0') -Verbose 4>&1)
    }

    It 'puts no HTTP request or answer into -Verbose' {
        $http = Get-Lines $First ([Management.Automation.VerboseRecord]) | Where-Object { $_ -match $HttpLine }
        $http | Should -BeNullOrEmpty
    }

    It 'says in -Verbose how the registry is reached and that each blob was uploaded' {
        $verbose = Get-Lines $First ([Management.Automation.VerboseRecord])
        $verbose | Where-Object { $_ -like "Registry '$Registry' answers at http://*; authentication: none." } | Should -HaveCount 1
        @($verbose | Where-Object { $_ -match '^\s*uploaded blob sha256:[0-9a-f]{64} \(\d+ bytes\)' }).Count | Should -Be $Blobs
        $verbose | Where-Object { $_ -like "'$Reference' now names sha256:*: $Blobs blob(s) uploaded*" } | Should -HaveCount 1
    }

    It 'says that nothing was sent when the tag already names the artifact' {
        $verbose = Get-Lines $Again ([Management.Automation.VerboseRecord])
        $verbose | Where-Object { $_ -like "'$Reference' already names sha256:*: nothing was uploaded*" } | Should -HaveCount 1
        $verbose | Where-Object { $_ -match $HttpLine } | Should -BeNullOrEmpty
    }

    It 'says for each blob that the registry already has it when another tag is published' {
        $verbose = Get-Lines $OtherTag ([Management.Automation.VerboseRecord])
        @($verbose | Where-Object { $_ -match '^\s*blob sha256:[0-9a-f]{64} already in .*; not uploaded\.$' }).Count | Should -Be $Blobs
    }

    It 'puts the HTTP requests and answers into -Debug' {
        $debug = Get-Lines $First ([Management.Automation.DebugRecord])
        $debug | Where-Object { $_ -match "^HEAD http://$([regex]::Escape($Registry))/v2/.+/manifests/1\.0$" } | Should -Not -BeNullOrEmpty
        $debug | Where-Object { $_ -match '^\s*-> 201 Created$' } | Should -Not -BeNullOrEmpty
        $debug | Where-Object { $_ -match '^PUT http://.+/manifests/1\.0$' } | Should -HaveCount 1
    }

    It 'writes no debug record without -Debug' {
        $Again | Where-Object { $_ -is [Management.Automation.DebugRecord] } | Should -BeNullOrEmpty
    }
}

Describe 'Save-ModelArtifact and Get-ModelArtifact -Remote' {
    BeforeAll {
        Remove-ModelArtifact -Reference $Reference -Force
        $DebugPreference = 'Continue'
        $script:Save = @(Save-ModelArtifact -Reference $Reference -Verbose 4>&1 5>&1)
        $DebugPreference = 'SilentlyContinue'
        $script:Remote = @(Get-ModelArtifact -Remote $Reference -Verbose 4>&1)
    }

    It 'says in -Verbose which strategy saves the model, and no HTTP traffic' {
        $verbose = Get-Lines $Save ([Management.Automation.VerboseRecord])
        $verbose | Where-Object { $_ -like "'$Reference' is a ModelPack artifact (from *); strategy HttpBind (Auto)." } | Should -HaveCount 1
        $verbose | Where-Object { $_ -match $HttpLine } | Should -BeNullOrEmpty
    }

    It 'puts the blob downloads into -Debug' {
        $debug = Get-Lines $Save ([Management.Automation.DebugRecord])
        @($debug | Where-Object { $_ -match '^GET http://.+/blobs/sha256:[0-9a-f]{64}$' }).Count | Should -BeGreaterOrEqual $Blobs
    }

    It 'keeps -Verbose of Get-ModelArtifact -Remote to decisions' {
        $verbose = Get-Lines $Remote ([Management.Automation.VerboseRecord])
        $verbose | Should -Not -BeNullOrEmpty
        $verbose | Where-Object { $_ -match $HttpLine } | Should -BeNullOrEmpty
        @($Remote | Where-Object { $_ -is [ModelPack.ModelArtifact] }).Reference | Should -Be $Reference
    }
}
