# Tab completion as the prompt asks for it (TabExpansion2): -Reference values from the store on every
# cmdlet that takes one, familiar forms, quoting, enum values and parameter names.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
    Import-Module (Get-SpecModulePath) -Force
    $script:Saved = Use-SpecStore
    $script:Registry = Get-SpecRegistry
    $script:Repository = "$Registry/$(New-SpecRepository completion)"
    $work = Join-Path $TestDrive 'work'
    $script:Alpha = (New-SpecModel -Reference "$Repository/alpha:1.0" -WorkDirectory $work -Name alpha).Reference
    $script:Beta = (New-SpecModel -Reference "$Repository/beta:2.0" -WorkDirectory $work -Name beta).Reference
    # A docker.io model is completed in the familiar form users type ('tinyllama:q4').
    $script:Docker = (New-SpecModel -Reference 'docker.io/library/tinyllama:q4' -WorkDirectory $work -Name tinyllama).Reference
    function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches }
}

AfterAll {
    Restore-SpecEnvironment $script:Saved
}

Describe '-Reference of <_>' -ForEach 'Get-ModelArtifact', 'Save-ModelArtifact', 'Get-ModelMount', 'Remove-ModelArtifact', 'Publish-ModelArtifact', 'Test-ModelArtifact' {
    It 'completes stored references from what was typed' {
        $completions = Complete "$_ -Reference $Repository/al"
        $completions.CompletionText | Should -Be $Alpha
        $completions[0].ResultType | Should -Be 'ParameterValue'
        $completions[0].ToolTip | Should -Match 'alpha'
    }
}

# Test-ModelArtifact's first position is -Path (a file or layout); the others' is -Reference.
Describe 'The first positional argument of <_>' -ForEach 'Get-ModelArtifact', 'Save-ModelArtifact', 'Get-ModelMount', 'Remove-ModelArtifact', 'Publish-ModelArtifact' {
    It 'completes stored references' {
        (Complete "$_ $Repository/b").CompletionText | Should -Be $Beta
    }
}

Describe 'Reference completion' {
    It 'offers every stored reference, sorted, for an empty word' {
        $texts = (Complete 'Get-ModelMount -Reference ').CompletionText
        $texts | Should -Be (@($Alpha, $Beta, $Docker) | Sort-Object { $_ } -Culture '')
    }

    It 'completes a docker.io model in its familiar form' {
        (Complete 'Save-ModelArtifact tinyl').CompletionText | Should -Be 'tinyllama:q4'
    }

    It 'completes inside quotes' {
        (Complete "Get-ModelArtifact -Reference '$Repository/be").CompletionText | Should -Be $Beta
    }

    It 'offers nothing for Get-ModelArtifact -Path, whose references are the layout''s' {
        Complete "Get-ModelArtifact -Path ./layout -Reference $Repository/" | Should -BeNullOrEmpty
    }
}

Describe 'Enum values and parameter names' {
    It 'completes -Strategy values' {
        (Complete 'Save-ModelArtifact -Strategy ').CompletionText | Sort-Object | Should -Be 'Auto', 'HttpBind', 'PodmanArtifact', 'PodmanImage'
        (Complete 'Get-ModelMount -Strategy Http').CompletionText | Should -Be 'HttpBind'
    }

    It 'completes -As values of Get-ModelMount' {
        (Complete 'Get-ModelMount -As ').CompletionText | Should -Contain 'Kubernetes'
        (Complete 'Get-ModelMount -As Q').CompletionText | Should -Be 'Quadlet'
    }

    It 'completes parameter names' {
        (Complete 'Save-ModelArtifact -Ski').CompletionText | Should -Be '-SkipTlsVerify'
        (Complete 'New-ModelArtifact -Quant').CompletionText | Should -Be '-Quantization'
    }
}
