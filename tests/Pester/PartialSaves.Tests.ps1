# Partial saves as a user composes them: look at a model's files in its registry, save some of them,
# see the model marked partial in every cmdlet, then complete it; and the errors a filter can give.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
    Import-Module (Get-SpecModulePath) -Force
    $script:Saved = Use-SpecStore
    $script:Registry = Get-SpecRegistry
    function New-PublishedModel([string] $Name) {
        $reference = "$Registry/$(New-SpecRepository $Name):1.0"
        $null = New-SpecModel -Reference $reference -WorkDirectory (Join-Path $TestDrive 'work') -Name $Name -WeightBytes 4096 -Publish
        Remove-ModelArtifact -Reference $reference -Force
        $reference
    }
}

AfterAll {
    Restore-SpecEnvironment $script:Saved
}

Describe 'A partial save and the save that completes it' {
    BeforeAll {
        $script:Reference = New-PublishedModel partial-flow
        $script:RemoteFiles = (Get-ModelArtifact -Remote $Reference).Files
        $script:Partial = Get-ModelArtifact -Remote $Reference | Save-ModelArtifact -Include '*.json', '*.md' -PassThru
    }

    It 'lets the remote model''s files be chosen by kind and size before anything is downloaded' {
        @($RemoteFiles | Sort-Object Size -Descending | Select-Object -First 1).Path | Should -Be 'model.gguf'
        @($RemoteFiles | Where-Object Kind -eq 'Weight').Size | Should -Be 4096
    }

    It 'stores only the chosen files and marks the model partial in the listing' {
        $Partial.Partial | Should -BeTrue
        $listed = Get-ModelArtifact -Reference $Reference
        $listed.Partial | Should -BeTrue
        @($listed.Files | Where-Object Skipped).Path | Should -Be 'model.gguf'
        Join-Path $listed.Path 'model.gguf' | Should -Not -Exist
        Join-Path $listed.Path 'config.json' | Should -Exist
    }

    It 'verifies what is there as valid and names the rest as not downloaded' {
        Test-ModelArtifact -Reference $Reference -Quiet | Should -BeTrue
        (Test-ModelArtifact -Reference $Reference).NotDownloaded | Should -Be 'model.gguf'
    }

    It 'mounts what is there with a warning that says so' {
        $mount = Get-ModelMount -Reference $Reference -WarningVariable warnings -WarningAction SilentlyContinue
        $mount.Partial | Should -BeTrue
        "$warnings" | Should -Match 'is partial: the mount holds 2 of its 3 files'
    }

    It 'completes the model with a save without filters, downloading only the missing file' {
        $verbose = Save-ModelArtifact -Reference $Reference -Verbose 4>&1 | ForEach-Object { "$_" }
        ($verbose -join "`n") | Should -Match '1 blob\(s\), 4096 bytes transferred'
        (Get-ModelArtifact -Reference $Reference).Partial | Should -BeFalse
        Get-ModelMount -Reference $Reference -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        $warnings | Should -BeNullOrEmpty
        Test-ModelArtifact -Reference $Reference -Quiet | Should -BeTrue
    }
}

Describe 'Filters that cannot be used' {
    BeforeAll {
        $script:Reference = New-PublishedModel partial-errors
    }

    It 'reports a filter that takes no file as a non-terminating error naming the reference' {
        $result = Save-ModelArtifact -Reference $Reference -Kind Dataset -ErrorVariable failed -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'NoLayersSelected,*'
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failed[0].TargetObject | Should -Be $Reference
        $failed[0].Exception.Message | Should -Match "'model\.gguf'"
        Get-ModelArtifact | Where-Object Reference -eq $Reference | Should -BeNullOrEmpty
    }

    It 'stops at an unusable glob before asking the registry, catchable by its ErrorId' {
        $caught = try { Save-ModelArtifact -Reference $Reference -Exclude 'docs/?.md' -ErrorAction Stop; 'went on' } catch { $_.FullyQualifiedErrorId }
        $caught | Should -BeLike 'InvalidLayerFilter,*'
    }

    It 'completes -Kind with the layer kinds' {
        $line = 'Save-ModelArtifact x -Kind Weight'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain 'Weight'
        $completions | Should -Contain 'WeightConfig'
    }
}
