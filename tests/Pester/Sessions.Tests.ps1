# The module in the sessions users run it in: runspaces of ForEach-Object -Parallel, background jobs
# (another process: objects come back deserialized), Set-StrictMode -Version Latest, another culture
# (de-DE, tr-TR), Remove-Module followed by Import-Module, and the listing cache other processes update.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
    $script:ModulePath = Get-SpecModulePath
    Import-Module $ModulePath -Force
    $script:Saved = Use-SpecStore
    $script:Registry = Get-SpecRegistry
    $script:Repository = "$Registry/$(New-SpecRepository sessions)"
    $work = Join-Path $TestDrive 'work'
    $script:References = foreach ($name in 'one', 'two', 'three') {
        (New-SpecModel -Reference "$Repository/${name}:1.0" -WorkDirectory $work -Name $name -Publish).Reference
    }
    foreach ($reference in $References) { Remove-ModelArtifact -Reference $reference -Force }
}

AfterAll {
    Restore-SpecEnvironment $script:Saved
}

Describe 'ForEach-Object -Parallel' {
    It 'saves models from several runspaces into one store at once' {
        $results = $References | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $using:ModulePath
            $saved = Save-ModelArtifact -Reference $_ -PassThru -ErrorAction Stop
            [pscustomobject]@{ Reference = $saved.Reference; Digest = $saved.Digest; Type = $saved.GetType().FullName }
        }
        @($results).Count | Should -Be 3
        $results.Type | Select-Object -Unique | Should -Be 'ModelPack.ModelArtifact'
        (Get-ModelArtifact -Reference "$Repository/*").Reference | Sort-Object | Should -Be ($References | Sort-Object)
        Get-ModelArtifact -Reference "$Repository/*" | Test-ModelArtifact | Where-Object { -not $_.IsValid } | Should -BeNullOrEmpty
    }

    It 'lists and mounts from runspaces while this one lists' {
        $mounts = 1..3 | ForEach-Object -Parallel {
            Import-Module $using:ModulePath
            Get-ModelArtifact -Reference "$using:Repository/*" | Get-ModelMount -As Argument
        }
        @($mounts).Count | Should -Be 9
        @(Get-ModelArtifact -Reference "$Repository/*").Count | Should -Be 3
    }
}

Describe 'Start-Job' {
    BeforeAll {
        # One job (another pwsh process) for both cases: starting one costs seconds on a busy machine.
        $job = Start-Job -ScriptBlock {
            param($module, $pattern, $absent)
            Import-Module $module
            Get-ModelArtifact -Reference $pattern
            Get-ModelArtifact -Reference $absent
        } -ArgumentList $ModulePath, "$Repository/*", "$Repository/absent:1.0"
        $script:Received = @($job | Receive-Job -Wait -AutoRemoveJob -ErrorVariable failed -ErrorAction SilentlyContinue)
        $script:JobErrors = $failed
    }

    It 'returns deserialized artifacts whose Reference binds -Reference of the next cmdlet' {
        $Received.Count | Should -Be 3
        $Received[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.ModelPack.ModelArtifact'
        # Serialized deep enough (ModelPack.types.ps1xml) to keep the config's fields and the files.
        $Received.Config.Descriptor.Name | Sort-Object | Should -Be 'one', 'three', 'two'
        $Received[0].Config.Config.Format | Should -Be 'gguf'
        @($Received[0].Files).Count | Should -Be 3
        $mounts = $Received | Get-ModelMount
        @($mounts).Count | Should -Be 3
        ($Received | Save-ModelArtifact -PassThru).Reference | Sort-Object | Should -Be ($References | Sort-Object)
    }

    It 'reports an error of the job with its ErrorId' {
        $JobErrors | Should -HaveCount 1
        $JobErrors[0].FullyQualifiedErrorId | Should -BeLike 'ModelArtifactNotFound,*'
    }
}

Describe 'Set-StrictMode -Version Latest' {
    It 'runs every cmdlet, their views and their completions without a strict-mode error' {
        $strict = {
            Set-StrictMode -Version Latest
            $ErrorActionPreference = 'Stop'
            $reference = $References[0]
            $artifact = Get-ModelArtifact -Reference $reference
            $null = $artifact | Format-List * | Out-String
            $null = $artifact, $artifact.Files, $artifact.Config | Out-String
            $null = Get-ModelArtifact -Remote $reference | Format-Table | Out-String
            $null = Save-ModelArtifact -Reference $reference -PassThru | Get-ModelMount -As Quadlet | Out-String
            $null = Get-ModelMount -Reference $reference -As Kubernetes
            $null = Test-ModelArtifact -Reference $reference | Format-List | Out-String
            $null = Get-ModelStrategy | Out-String
            $null = $artifact | Publish-ModelArtifact -PassThru | Out-String
            $null = Remove-ModelArtifact -Reference $reference -WhatIf
            $folder = New-SpecModelFolder -Path (Join-Path $TestDrive 'strict') -Seed strict
            $null = New-ModelArtifact -Path $folder.FullName -Reference "$Repository/strict:1.0" | Out-String
            $line = 'Save-ModelArtifact -Reference '
            $null = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            'done'
        }
        & $strict | Should -Be 'done'
    }
}

Describe 'Another culture (<_>)' -ForEach 'de-DE', 'tr-TR' {
    BeforeAll {
        $script:Culture = [Globalization.CultureInfo]::CurrentCulture
        $script:UICulture = [Globalization.CultureInfo]::CurrentUICulture
        [Globalization.CultureInfo]::CurrentCulture = [Globalization.CultureInfo]::GetCultureInfo($_)
        [Globalization.CultureInfo]::CurrentUICulture = [Globalization.CultureInfo]::GetCultureInfo($_)
    }

    AfterAll {
        [Globalization.CultureInfo]::CurrentCulture = $Culture
        [Globalization.CultureInfo]::CurrentUICulture = $UICulture
    }

    It 'parses references, matches patterns and reads configs as in the invariant culture' {
        # tr-TR: 'I'.ToLower() is 'ı'; de-DE: ',' is the decimal separator. Neither may leak into references or JSON.
        $names = (Get-ModelArtifact -Reference "$Repository/*").Config.Descriptor.Name | Sort-Object
        $names | Should -Be 'one', 'three', 'two'
        (Get-ModelArtifact -Reference "$($Repository.ToUpperInvariant())/ONE:1.0" -ErrorAction SilentlyContinue -ErrorVariable invalid) | Should -BeNullOrEmpty
        $invalid[0].FullyQualifiedErrorId | Should -BeLike 'InvalidModelReference,*'
        (Get-ModelArtifact -Reference "$Repository/T*").Reference | Sort-Object | Should -Be ("$Repository/three:1.0", "$Repository/two:1.0")
        (Get-ModelArtifact -Reference "$Repository/I*") | Should -BeNullOrEmpty
    }

    It 'saves, mounts, validates and formats' {
        $reference = $References[1]
        Remove-ModelArtifact -Reference $reference -Force
        $saved = Save-ModelArtifact -Reference $reference -PassThru
        $saved.Digest | Should -Match '^sha256:[0-9a-f]{64}$'
        (Get-ModelMount -InputObject $saved).Argument | Should -BeLike '--mount=type=bind,src=*,destination=/mnt/models,ro'
        (Test-ModelArtifact -InputObject $saved).IsValid | Should -BeTrue
        ($saved | Format-Table | Out-String) | Should -Match '\d KiB'
        $json = $saved | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $json.Size | Should -Be $saved.Size
    }

    It 'packs a model with a parameter size and a creation date in invariant form' {
        $folder = New-SpecModelFolder -Path (Join-Path $TestDrive "culture-$_") -Seed "culture-$_"
        $packed = New-ModelArtifact -Path $folder.FullName -Reference "$Repository/culture-$($_.ToLowerInvariant()):1.0" -ParamSize 1.5B -CreatedAt ([DateTimeOffset]::new(2026, 1, 2, 3, 4, 5, [TimeSpan]::Zero))
        $packed.Config.Config.ParamSize | Should -Be '1.5B'
        $config = Get-Content -LiteralPath (Join-Path $env:MODELPACK_STORE "blobs/sha256/$($packed.Manifest.Config.Digest -replace '^sha256:', '')") -Raw | ConvertFrom-Json
        $config.descriptor.createdAt.ToUniversalTime().ToString('o', [Globalization.CultureInfo]::InvariantCulture) | Should -BeLike '2026-01-02T03:04:05*'
        (Test-ModelArtifact -InputObject $packed).IsValid | Should -BeTrue
    }
}

Describe 'Remove-Module and Import-Module again' {
    It 'works after the module is removed and imported again, and its completer and views come back' {
        Remove-Module ModelPack
        Get-Command Get-ModelArtifact -ErrorAction Ignore | Should -BeNullOrEmpty
        Import-Module $ModulePath
        (Get-Module ModelPack).Version | Should -Be '0.1.0'
        $artifact = Get-ModelArtifact -Reference $References[0]
        $artifact.Reference | Should -Be $References[0]
        ($artifact | Out-String) | Should -Match 'HttpBind'
        $line = "Get-ModelMount -Reference $($References[0].Substring(0, $References[0].Length - 3))"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain $References[0]
    }

    It 'imports with -Force over itself and keeps working' {
        Import-Module $ModulePath -Force
        Import-Module $ModulePath -Force
        @(Get-Module ModelPack).Count | Should -Be 1
        (Get-ModelMount -Reference $References[0]).Destination | Should -Be '/mnt/models'
    }
}

Describe 'The listing cache beside index.json, shared by processes' {
    BeforeAll {
        $work = Join-Path $TestDrive 'cache'
        $script:Kept = (New-SpecModel -Reference "$Repository/cache-kept:1.0" -WorkDirectory $work).Reference
        $script:Dropped = (New-SpecModel -Reference "$Repository/cache-dropped:1.0" -WorkDirectory $work).Reference
        $script:Added = "$Repository/cache-added:1.0"
        $script:CacheFile = Join-Path $env:MODELPACK_STORE 'modelpack-listing.json'
    }

    It 'shows a removal and a pack by another process in the next listing of this one' {
        (Get-ModelArtifact -Reference "$Repository/cache-*").Reference | Sort-Object | Should -Be ($Dropped, $Kept | Sort-Object)
        $CacheFile | Should -Exist
        Start-Job -ScriptBlock {
            param($module, $dropped, $added, $folder)
            Import-Module $module
            Remove-ModelArtifact -Reference $dropped -Force
            $null = New-Item -ItemType Directory -Path $folder
            Set-Content -LiteralPath (Join-Path $folder 'model.gguf') -Value 'weights of the added model'
            $null = New-ModelArtifact -Path $folder -Reference $added
        } -ArgumentList $ModulePath, $Dropped, $Added, (Join-Path $TestDrive 'added') | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop

        (Get-ModelArtifact -Reference "$Repository/cache-*").Reference | Sort-Object | Should -Be ($Added, $Kept | Sort-Object)
    }

    It 'lists the same models from a damaged cache file and writes it again' {
        $expected = Get-ModelArtifact -Reference "$Repository/cache-*" | ForEach-Object { "$($_.Reference) $($_.Digest) $($_.Name)" }
        Set-Content -LiteralPath $CacheFile -Value '{"modelpackListing":1,"manifests":[{"digest":'

        Get-ModelArtifact -Reference "$Repository/cache-*" | ForEach-Object { "$($_.Reference) $($_.Digest) $($_.Name)" } | Should -Be $expected
        (Get-Content -LiteralPath $CacheFile -Raw | ConvertFrom-Json).modelpackListing | Should -Be 1
    }
}
