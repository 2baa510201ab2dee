# References as the container world writes them: docker:// and oci:// prefixes (skopeo's spelling) and
# rlcr:// (ramalama's registry), short names resolved from registries.conf as podman resolves them, and
# [[registry.mirror]] entries. Each spec writes the registries.conf it needs and names it with
# CONTAINERS_REGISTRIES_CONF.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
    Import-Module (Get-SpecModulePath) -Force
    $script:Saved = Use-SpecStore
    $script:Registry = Get-SpecRegistry
    $script:Empty = Start-SpecRegistry -Directory (Join-Path $script:Saved.Root 'empty-registry')
    $script:Path = New-SpecRepository references
    $script:Repository = "$Registry/$Path"
    $work = Join-Path $TestDrive 'work'
    $script:Published = (New-SpecModel -Reference "$Repository/alpha:1.0" -WorkDirectory $work -Name alpha -Publish).Reference
    Remove-ModelArtifact -Reference $Published -Force
    function Use-RegistriesConf([string] $Text) {
        $file = Join-Path $script:Saved.Root "registries-$([guid]::NewGuid().ToString('n')).conf"
        Set-Content -LiteralPath $file -Value $Text
        $env:CONTAINERS_REGISTRIES_CONF = $file
        $file
    }
    # Each spec starts from an empty store and no registries.conf.
    function Reset-Spec {
        $env:CONTAINERS_REGISTRIES_CONF = Join-Path $script:Saved.Root 'no-registries.conf'
        Get-ModelArtifact | Remove-ModelArtifact -Force
    }
    function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches }
}

AfterAll {
    Stop-SpecRegistry $script:Empty
    Restore-SpecEnvironment $script:Saved
}

Describe 'Transport prefixes' {
    AfterEach { Reset-Spec }

    It 'a docker:// reference pipes through Save, Get-ModelArtifact and Get-ModelMount like the plain one' {
        $mount = "docker://$Published" | Save-ModelArtifact -PassThru | Get-ModelMount -As Argument
        $mount | Should -BeLike '--mount=type=bind,*,ro'
        $stored = 'oci://' + $Published | Get-ModelArtifact
        $stored.Reference | Should -Be $Published
        (Get-ModelArtifact).Reference | Should -Be $Published
    }

    It 'a prefixed wildcard lists and removes what the plain one does' {
        Save-ModelArtifact "docker://$Published"
        (Get-ModelArtifact "docker://$Repository/*").Reference | Should -Be $Published
        Remove-ModelArtifact "oci://$Published" -Force
        Get-ModelArtifact | Should -BeNullOrEmpty
    }

    It 'completion keeps the prefix that was typed' {
        Save-ModelArtifact $Published
        (Complete "Get-ModelMount docker://$Repository/al").CompletionText | Should -Be "docker://$Published"
    }

    It 'rlcr:// names ramalama''s registry, rlcr.io/ramalama, in lookups and completion' {
        $made = New-SpecModel -Reference 'rlcr.io/ramalama/granite:2b' -WorkDirectory (Join-Path $TestDrive 'rlcr') -Name granite
        (Get-ModelArtifact 'rlcr://granite:2b').Reference | Should -Be $made.Reference
        (Complete 'Get-ModelArtifact rlcr://gra').CompletionText | Should -Be 'rlcr://granite:2b'
    }
}

Describe 'Short names' {
    AfterEach { Reset-Spec }

    It 'Save-ModelArtifact in permissive mode takes the first search registry that has the model' {
        Use-RegistriesConf "unqualified-search-registries = [`"$($Empty.HostPort)`", `"$Registry`"]`nshort-name-mode = `"permissive`"" | Out-Null
        $verbose = @(Save-ModelArtifact "$Path/alpha:1.0" -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain "Short name '$Path/alpha' resolved to '$Published', the first candidate whose registry has it."
        $verbose | Where-Object { $_ -like "Candidate '$($Empty.HostPort)/$Path/alpha:1.0'*not available*" } | Should -HaveCount 1
        (Get-ModelArtifact).Reference | Should -Be $Published
    }

    It 'enforcing mode without a prompt fails with ShortNameAmbiguous and the name as target' {
        Use-RegistriesConf "unqualified-search-registries = [`"$($Empty.HostPort)`", `"$Registry`"]`nshort-name-mode = `"enforcing`"" | Out-Null
        $failed = $null
        Save-ModelArtifact "$Path/alpha:1.0" -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ShortNameAmbiguous,*'
        $failed[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failed[0].TargetObject | Should -Be "$Path/alpha:1.0"
        $failed[0].Exception.Message | Should -BeLike "*'$($Empty.HostPort)/$Path/alpha:1.0', '$Published'*"
        Get-ModelArtifact | Should -BeNullOrEmpty
    }

    It 'a short name with a tag is a reference, not a digest (tiny:v1 has the shape algorithm:encoded)' {
        $made = New-SpecModel -Reference 'docker.io/library/shorty:v1' -WorkDirectory (Join-Path $TestDrive 'shorty') -Name shorty
        (Get-ModelArtifact shorty:v1).Reference | Should -Be $made.Reference
        (Get-ModelMount shorty:v1).Reference | Should -Be $made.Reference
    }

    It 'an [aliases] entry wins over the search list' {
        Use-RegistriesConf "unqualified-search-registries = [`"$($Empty.HostPort)`"]`n[aliases]`n`"my-alpha`" = `"$Repository/alpha`"" | Out-Null
        (Save-ModelArtifact my-alpha:1.0 -PassThru).Reference | Should -Be $Published
        # The store finds it again by the short name, through the same alias.
        (Get-ModelArtifact my-alpha:1.0).Reference | Should -Be $Published
        (Get-ModelMount my-alpha:1.0).Reference | Should -Be $Published
    }
}

Describe 'Mirrors and blocked registries' {
    AfterEach { Reset-Spec }

    It '-Verbose names the mirror that served the pull; the model keeps the name it was pulled by' {
        Use-RegistriesConf "[[registry]]`nprefix = `"models.example`"`nlocation = `"$($Empty.HostPort)`"`n`n[[registry.mirror]]`nlocation = `"$Registry`"" | Out-Null
        $wanted = "models.example/$Path/alpha:1.0"
        $verbose = @(Save-ModelArtifact $wanted -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain "The manifest of '$($Empty.HostPort)/$Path/alpha:1.0' came from mirror '$Repository/alpha'."
        (Get-ModelArtifact).Reference | Should -Be $wanted
    }

    It 'a blocked registry refuses the pull: RegistryBlocked, PermissionDenied, the reference as target' {
        $conf = Use-RegistriesConf "[[registry]]`nlocation = `"$Registry`"`nblocked = true"
        $failed = $null
        Save-ModelArtifact $Published -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'RegistryBlocked,*'
        $failed[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failed[0].TargetObject | Should -Be $Published
        $failed[0].Exception.Message | Should -BeLike "*$conf*"
    }
}
