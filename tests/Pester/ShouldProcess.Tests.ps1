# -WhatIf, -Confirm, $WhatIfPreference and $ConfirmPreference on every cmdlet that changes something:
# New (the store), Save (the store, -Path), Publish (the registry), Remove (the store) and
# Test -Repair (the store).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
    Import-Module (Get-SpecModulePath) -Force
    $script:Saved = Use-SpecStore
    $script:Registry = Get-SpecRegistry
    $script:Repository = "$Registry/$(New-SpecRepository shouldprocess)"
    $script:Work = Join-Path $TestDrive 'work'
    $script:Folder = (New-SpecModelFolder -Path (Join-Path $Work 'model') -Seed shouldprocess).FullName
    $script:Stored = (New-SpecModel -Reference "$Repository/stored:1.0" -WorkDirectory $Work -Name stored -Publish).Reference
    function Test-Stored([string] $Reference) { [bool](Get-ModelArtifact -Reference $Reference -ErrorAction SilentlyContinue) }
    function Test-Published([string] $Reference) { [bool](Get-ModelArtifact -Remote $Reference -ErrorAction SilentlyContinue) }
}

AfterAll {
    Restore-SpecEnvironment $script:Saved
}

Describe '-WhatIf' {
    It 'New-ModelArtifact -WhatIf packs nothing' {
        New-ModelArtifact -Path $Folder -Reference "$Repository/whatif-new:1.0" -WhatIf
        Test-Stored "$Repository/whatif-new:1.0" | Should -BeFalse
    }

    It 'Publish-ModelArtifact -WhatIf sends nothing' {
        $null = New-ModelArtifact -Path $Folder -Reference "$Repository/whatif-publish:1.0"
        Publish-ModelArtifact -Reference "$Repository/whatif-publish:1.0" -WhatIf
        Test-Published "$Repository/whatif-publish:1.0" | Should -BeFalse
    }

    It 'Save-ModelArtifact -WhatIf downloads nothing and exports nothing' {
        Remove-ModelArtifact -Reference $Stored -Force
        Save-ModelArtifact -Reference $Stored -Path (Join-Path $Work 'whatif-export') -WhatIf
        Test-Stored $Stored | Should -BeFalse
        Join-Path $Work 'whatif-export' | Should -Not -Exist
        $null = Save-ModelArtifact -Reference $Stored
    }

    It 'Remove-ModelArtifact -WhatIf removes nothing, by reference or piped' {
        Remove-ModelArtifact -Reference $Stored -WhatIf
        Get-ModelArtifact -Reference $Stored | Remove-ModelArtifact -WhatIf
        Test-Stored $Stored | Should -BeTrue
    }

    It 'Test-ModelArtifact -Repair -WhatIf only verifies' {
        $artifact = Get-ModelArtifact -Reference $Stored
        $weight = Join-Path $env:MODELPACK_STORE "blobs/sha256/$(($artifact.Files | Where-Object Kind -EQ Weight).Digest -replace '^sha256:', '')"
        $original = [IO.File]::ReadAllBytes($weight)
        [IO.File]::WriteAllBytes($weight, [byte[]]::new($original.Length))
        try {
            $result = Test-ModelArtifact -Reference $Stored -Repair -WhatIf
            $result.IsValid | Should -BeFalse
            [IO.File]::ReadAllBytes($weight) | Should -Not -Be $original
        }
        finally {
            $result = Test-ModelArtifact -Reference $Stored -Repair
        }
        $result.IsValid | Should -BeTrue
    }
}

Describe '$WhatIfPreference' {
    It 'turns every changing cmdlet into -WhatIf within its scope' {
        & {
            $WhatIfPreference = $true
            New-ModelArtifact -Path $Folder -Reference "$Repository/preference:1.0"
            Remove-ModelArtifact -Reference $Stored
            Publish-ModelArtifact -Reference $Stored -Destination "$Repository/preference-copy:1.0"
        }
        Test-Stored "$Repository/preference:1.0" | Should -BeFalse
        Test-Stored $Stored | Should -BeTrue
        Test-Published "$Repository/preference-copy:1.0" | Should -BeFalse
    }

    It 'is overridden by -WhatIf:$false' {
        & {
            $WhatIfPreference = $true
            $null = New-ModelArtifact -Path $Folder -Reference "$Repository/not-whatif:1.0" -WhatIf:$false
        }
        Test-Stored "$Repository/not-whatif:1.0" | Should -BeTrue
    }
}

Describe '-Confirm and $ConfirmPreference' {
    It 'Remove-ModelArtifact (ConfirmImpact High) asks first: without a console to answer, that is an error, and nothing is removed' {
        # This session is non-interactive, so the prompt Remove-ModelArtifact shows is refused.
        { Remove-ModelArtifact -Reference $Stored -ErrorAction Stop } | Should -Throw
        Test-Stored $Stored | Should -BeTrue
    }

    It 'removes without asking with -Confirm:$false, -Force, or $ConfirmPreference = None' {
        $references = foreach ($n in 1..3) { (New-SpecModel -Reference "$Repository/confirm-${n}:1.0" -WorkDirectory $Work -Name "confirm-$n").Reference }
        Remove-ModelArtifact -Reference $references[0] -Confirm:$false
        Remove-ModelArtifact -Reference $references[1] -Force
        & { $ConfirmPreference = 'None'; Remove-ModelArtifact -Reference $references[2] }
        $references | ForEach-Object { Test-Stored $_ | Should -BeFalse }
    }

    It 'New-ModelArtifact and Save-ModelArtifact (ConfirmImpact Medium) ask only when $ConfirmPreference is Medium or lower' {
        { & { $ConfirmPreference = 'Medium'; New-ModelArtifact -Path $Folder -Reference "$Repository/asked:1.0" -ErrorAction Stop } } | Should -Throw
        Test-Stored "$Repository/asked:1.0" | Should -BeFalse
        $null = New-ModelArtifact -Path $Folder -Reference "$Repository/asked:1.0"
        Test-Stored "$Repository/asked:1.0" | Should -BeTrue
    }
}
