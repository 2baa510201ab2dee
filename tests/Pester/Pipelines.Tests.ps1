# Every cmdlet as users compose them: with Select-Object, Sort-Object, Group-Object, Measure-Object,
# Where-Object, ConvertTo-Json, Export-Csv/Import-Csv (rows bind by property name) and each other.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
    Import-Module (Get-SpecModulePath) -Force
    $script:Saved = Use-SpecStore
    $script:Registry = Get-SpecRegistry
    $script:Repository = "$Registry/$(New-SpecRepository pipelines)"
    $work = Join-Path $TestDrive 'work'
    # Three models of different sizes, published, then only two kept in the store.
    $script:Small = (New-SpecModel -Reference "$Repository/small:1.0" -WorkDirectory $work -Name small -WeightBytes 16 -Publish).Reference
    $script:Medium = (New-SpecModel -Reference "$Repository/medium:1.0" -WorkDirectory $work -Name medium -WeightBytes 512 -Publish).Reference
    $script:Large = (New-SpecModel -Reference "$Repository/large:1.0" -WorkDirectory $work -Name large -WeightBytes 4096 -Publish).Reference
    Remove-ModelArtifact -Reference $Large -Force
    $script:Csv = Join-Path $TestDrive 'models.csv'
}

AfterAll {
    Restore-SpecEnvironment $script:Saved
}

Describe 'Get-ModelArtifact with the object cmdlets' {
    It 'selects properties' {
        $rows = Get-ModelArtifact -Reference "$Repository/*" | Select-Object Reference, Name, Size
        @($rows).Count | Should -Be 2
        $rows[0].PSObject.Properties.Name | Should -Be 'Reference', 'Name', 'Size'
        $rows.Name | Sort-Object | Should -Be 'medium', 'small'
    }

    It 'sorts by size and takes the first' {
        (Get-ModelArtifact -Reference "$Repository/*" | Sort-Object Size -Descending | Select-Object -First 1).Reference | Should -Be $Medium
    }

    It 'groups by strategy and measures the store' {
        $groups = Get-ModelArtifact -Reference "$Repository/*" | Group-Object Strategy
        $groups.Name | Should -Be 'HttpBind'
        $groups.Count | Should -Be 2
        $sum = (Get-ModelArtifact -Reference "$Repository/*" | Measure-Object Size -Sum).Sum
        $sum | Should -Be ((Get-ModelArtifact -Reference $Small).Size + (Get-ModelArtifact -Reference $Medium).Size)
    }

    It 'filters with Where-Object, in script block and in simplified syntax' {
        (Get-ModelArtifact -Reference "$Repository/*" | Where-Object Name -EQ 'small').Reference | Should -Be $Small
        (Get-ModelArtifact -Reference "$Repository/*" | Where-Object { $_.Files.Count -eq 3 -and $_.Size -gt 2000 }).Count | Should -Be 2
        (Get-ModelArtifact -Reference $Medium).Files | Where-Object Kind -EQ Weight | ForEach-Object Size | Should -Be 512
    }

    It 'expands the files, which sort and measure' {
        $files = Get-ModelArtifact -Reference "$Repository/*" | Select-Object -ExpandProperty Files
        @($files).Count | Should -Be 6
        ($files | Sort-Object Size -Descending | Select-Object -First 1).Path | Should -Be 'model.gguf'
        ($files | Group-Object Kind | Sort-Object Name).Name | Should -Be 'Doc', 'Weight', 'WeightConfig'
    }

    It 'converts to JSON that reads back, without truncation warnings' {
        $json = Get-ModelArtifact -Reference $Small | ConvertTo-Json -Depth 6 -WarningVariable truncated -WarningAction SilentlyContinue
        $truncated | Should -BeNullOrEmpty
        $back = $json | ConvertFrom-Json
        $back.Reference | Should -Be $Small
        $back.Config.Descriptor.Name | Should -Be 'small'
        $back.Config.Config.Format | Should -Be 'gguf'
        @($back.Files).Count | Should -Be 3
        $back.Manifest.Digest | Should -Be (Get-ModelArtifact -Reference $Small).Digest
    }

    It 'converts files, mounts, strategies and validation results to JSON' {
        foreach ($value in (Get-ModelArtifact -Reference $Small).Files, (Get-ModelMount -Reference $Small), (Get-ModelStrategy), (Test-ModelArtifact -Reference $Small)) {
            { $value | ConvertTo-Json -Depth 4 -WarningAction Stop | ConvertFrom-Json } | Should -Not -Throw
        }
        ((Get-ModelMount -Reference $Small) | ConvertTo-Json | ConvertFrom-Json).Destination | Should -Be '/mnt/models'
    }
}

Describe 'Rows of a CSV file bind by property name' {
    BeforeAll {
        Get-ModelArtifact -Reference "$Repository/*" | Select-Object Reference, Name | Export-Csv -Path $Csv
        [pscustomobject]@{ Reference = $Large; Name = 'large' } | Export-Csv -Path $Csv -Append
    }

    It 'mounts the stored rows and reports the one not in the store' {
        $mounts = Import-Csv -Path $Csv | Get-ModelMount -ErrorVariable missing -ErrorAction SilentlyContinue
        @($mounts).Count | Should -Be 2
        $missing.Count | Should -Be 1
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'ModelArtifactNotFound,*'
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $missing[0].TargetObject | Should -Be $Large
    }

    It 'saves every row, then mounts them as arguments' {
        $arguments = Import-Csv -Path $Csv | Save-ModelArtifact -PassThru | Get-ModelMount -As Argument
        @($arguments).Count | Should -Be 3
        $arguments | ForEach-Object { $_ | Should -BeLike '--mount=type=bind,src=*,destination=/mnt/models,ro' }
    }

    It 'publishes each row to the Destination column' {
        $rows = Import-Csv -Path $Csv | ForEach-Object { [pscustomobject]@{ Reference = $_.Reference; Destination = $_.Reference -replace '/(\w+):1\.0$', '/copies/$1:csv' } }
        $published = $rows | Publish-ModelArtifact -PassThru
        @($published).Count | Should -Be 3
        $published.Reference | Should -Be ($rows.Destination)
        (Get-ModelArtifact -Remote ($rows[0].Destination)).Digest | Should -Be (Get-ModelArtifact -Reference $rows[0].Reference).Digest
    }

    It 'removes the rows with -WhatIf without removing anything' {
        Import-Csv -Path $Csv | Remove-ModelArtifact -WhatIf
        @(Get-ModelArtifact -Reference "$Repository/*").Count | Should -Be 3
    }
}

Describe 'The cmdlets piped into each other' {
    It 'Save-ModelArtifact -PassThru | Get-ModelMount -As Argument, from strings' {
        $arguments = $Small, $Medium | Save-ModelArtifact -PassThru | Get-ModelMount -As Argument
        @($arguments).Count | Should -Be 2
    }

    It 'Get-ModelArtifact -Remote | Save-ModelArtifact -PassThru | Test-ModelArtifact' {
        Remove-ModelArtifact -Reference $Large -Force
        $result = Get-ModelArtifact -Remote $Large | Save-ModelArtifact -PassThru | Test-ModelArtifact
        $result.IsValid | Should -BeTrue
        $result.Target | Should -Be $Large
    }

    It 'Get-ModelArtifact with a pattern | Remove-ModelArtifact, then Save again by reference' {
        $removed = Get-ModelArtifact -Reference "$Repository/l*" | Remove-ModelArtifact -Force -PassThru
        $removed.Reference | Should -Be $Large
        Get-ModelArtifact -Reference "$Repository/l*" | Should -BeNullOrEmpty
        (Save-ModelArtifact -Reference $Large -PassThru).Reference | Should -Be $Large
    }

    It 'New-ModelArtifact | Publish-ModelArtifact -PassThru | Format-List' {
        $folder = New-SpecModelFolder -Path (Join-Path $TestDrive 'fresh') -Seed fresh
        $text = Get-Item $folder | New-ModelArtifact -Reference "$Repository/fresh:1.0" | Publish-ModelArtifact -PassThru | Format-List Reference, Digest | Out-String
        $text | Should -Match ([regex]::Escape("$Repository/fresh:1.0"))
    }

    It 'Get-ModelArtifact | Test-ModelArtifact | Where-Object finds nothing invalid' {
        Get-ModelArtifact -Reference "$Repository/*" | Test-ModelArtifact | Where-Object { -not $_.IsValid } | Should -BeNullOrEmpty
    }

    It 'Get-ModelStrategy | Where-Object Available | Select-Object -ExpandProperty Name' {
        Get-ModelStrategy | Where-Object Available | Select-Object -ExpandProperty Name | Should -Be 'HttpBind'
    }

    It 'ForEach-Object with the member name' {
        $Small, $Medium | Get-ModelArtifact | ForEach-Object Name | Sort-Object | Should -Be 'medium', 'small'
    }

    It 'emits ModelPack types that Get-Member reports' {
        (Get-ModelArtifact -Reference $Small | Get-Member).TypeName | Select-Object -Unique | Should -Be 'ModelPack.ModelArtifact'
        (Get-ModelMount -Reference $Small | Get-Member).TypeName | Select-Object -Unique | Should -Be 'ModelPack.ModelMount'
    }
}
