# What a user sees in the default views and with Format-Table, Format-List and Format-Wide: no bare
# .NET type names anywhere, the config's essentials visible, and tables that fit 80 and 200 columns.

BeforeDiscovery {
    $script:Widths = @(80, 200)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
    Import-Module (Get-SpecModulePath) -Force
    $script:Saved = Use-SpecStore
    $registry = Get-SpecRegistry
    $script:Reference = "$registry/$(New-SpecRepository formatting):1.0"
    $script:Packed = New-SpecModel -Reference $script:Reference -WorkDirectory (Join-Path $TestDrive 'work') -Name 'tiny-formatting' -Publish
    $script:Stored = Get-ModelArtifact -Reference $script:Reference
    $script:Remote = Get-ModelArtifact -Remote $script:Reference
    # A partial model: published, dropped from the store, saved again with only its config and docs.
    $script:PartialReference = "$registry/$(New-SpecRepository formatting-partial):1.0"
    $null = New-SpecModel -Reference $script:PartialReference -WorkDirectory (Join-Path $TestDrive 'work') -Name 'tiny-partial' -Publish
    Remove-ModelArtifact -Reference $script:PartialReference -Force
    $script:Partial = Save-ModelArtifact $script:PartialReference -Kind WeightConfig, Doc -PassThru
    Set-Content -LiteralPath (Join-Path $TestDrive 'bad-manifest.json') -Value '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"x","digest":"sha256:00","size":-1},"layers":[]}'

    # Every kind of object the cmdlets emit, and the objects they hold, as a user would look at them.
    $script:Samples = [ordered]@{
        'Get-ModelArtifact'                 = $script:Stored
        'Get-ModelArtifact -Remote'         = $script:Remote
        'ModelArtifact.Config'              = $script:Stored.Config
        'ModelArtifact.Config.Descriptor'   = $script:Stored.Config.Descriptor
        'ModelArtifact.Config.Config'       = $script:Stored.Config.Config
        'ModelArtifact.Config.ModelFs'      = $script:Stored.Config.ModelFs
        'ModelArtifact.Manifest'            = $script:Stored.Manifest
        'ModelArtifact.Files'               = $script:Stored.Files
        'Get-ModelMount'                    = Get-ModelMount -Reference $script:Reference
        'Get-ModelMount -As Kubernetes'     = Get-ModelMount -Reference $script:Reference -As Kubernetes
        'Get-ModelMount -As Quadlet'        = Get-ModelMount -Reference $script:Reference -As Quadlet
        'Get-ModelStrategy'                 = Get-ModelStrategy
        'Test-ModelArtifact'                = Test-ModelArtifact -Reference $script:Reference
        'Test-ModelArtifact (violations)'   = Test-ModelArtifact -Path (Join-Path $TestDrive 'bad-manifest.json') -ErrorAction Ignore
        'Publish-ModelArtifact -PassThru'   = $script:Stored | Publish-ModelArtifact -PassThru
        'Get-ModelArtifact (partial)'       = $script:Partial
        'ModelArtifact.Files (partial)'     = $script:Partial.Files
        'Test-ModelArtifact (partial)'      = Test-ModelArtifact -Reference $script:PartialReference
        'Get-ModelMount (partial)'          = Get-ModelMount -Reference $script:PartialReference -WarningAction SilentlyContinue
    }
}

AfterAll {
    Restore-SpecEnvironment $script:Saved
}

Describe 'Views of <Name>' -ForEach @(
    'Get-ModelArtifact', 'Get-ModelArtifact -Remote', 'ModelArtifact.Config', 'ModelArtifact.Config.Descriptor',
    'ModelArtifact.Config.Config', 'ModelArtifact.Config.ModelFs', 'ModelArtifact.Manifest', 'ModelArtifact.Files',
    'Get-ModelMount', 'Get-ModelMount -As Kubernetes', 'Get-ModelMount -As Quadlet', 'Get-ModelStrategy',
    'Test-ModelArtifact', 'Test-ModelArtifact (violations)', 'Publish-ModelArtifact -PassThru',
    'Get-ModelArtifact (partial)', 'ModelArtifact.Files (partial)', 'Test-ModelArtifact (partial)', 'Get-ModelMount (partial)' | ForEach-Object { @{ Name = $_ } }
) {
    BeforeAll {
        # A dotted name that resolves to a loaded type is a type name shown instead of a value.
        function Find-TypeName([string] $Text) {
            foreach ($match in [regex]::Matches($Text, '\b[A-Z][A-Za-z0-9_]*(\.[A-Z][A-Za-z0-9_`]*)+(\[[^\]]*\])?')) {
                $name = $match.Value -replace '\[.*$', ''
                if ($name -as [type]) { $match.Value }
            }
        }
        $script:Sample = $Samples[$Name]
    }

    It 'shows no bare .NET type name in the default view, Format-List, Format-List * or Format-Table at <_> columns' -ForEach $Widths {
        $width = $_
        $texts = @(
            $Sample | Out-String -Width $width
            $Sample | Format-List | Out-String -Width $width
            $Sample | Format-List * | Out-String -Width $width
            $Sample | Format-Table | Out-String -Width $width
        )
        $found = $texts | ForEach-Object { Find-TypeName $_ } | Select-Object -Unique
        $found | Should -BeNullOrEmpty -Because "these are type names, not values: $($found -join ', ')"
    }

    It 'writes no line wider than <_> columns in its default view and Format-Table' -ForEach $Widths {
        $width = $_
        # Text output (Kubernetes YAML) is data, not a view: its lines are as long as they must be.
        foreach ($item in @($Sample | Where-Object { $_ -isnot [string] })) {
            foreach ($text in ($item | Out-String -Width $width), ($item | Format-Table | Out-String -Width $width)) {
                $wide = @($text -split "`r?`n" | Where-Object { $_.Length -gt $width })
                $wide | Should -BeNullOrEmpty
            }
        }
    }

    It 'keeps every column of its table view at 80 columns' {
        # A column that does not fit is dropped, or its header is cut into pieces: either changes the header words.
        function Get-HeaderWords([string] $Text) {
            $lines = @($Text -split "`r?`n")
            $rule = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^[\s-]*-[\s-]*$' })
            if ($rule -lt 1) { return @() }
            @($lines[0..($rule - 1)] -split '\s+' | Where-Object { $_ })
        }
        # Only the module's own table views: Format-Table of a type without one lists every property, as for any object.
        $tables = @($Sample | Where-Object {
                $_ -isnot [string] -and (Get-FormatData -TypeName $_.GetType().FullName -PowerShellVersion $PSVersionTable.PSVersion |
                    Where-Object { $_.FormatViewDefinition.Control | Where-Object { $_ -is [System.Management.Automation.TableControl] } })
            })
        if (-not $tables) { return }
        $wide = Get-HeaderWords ($tables | Format-Table | Out-String -Width 200)
        $narrow = Get-HeaderWords ($tables | Format-Table | Out-String -Width 80)
        $narrow | Should -Be $wide
    }
}

Describe 'What the views show' {
    It 'shows the config name, format, parameter size, precision and quantization in Format-List * of an artifact' {
        $text = $Stored | Format-List * | Out-String -Width 200
        $line = @($text -split "`r?`n" | Where-Object { $_ -match '^Config\s*:' })
        $line | Should -HaveCount 1
        $line[0] | Should -Match 'tiny-formatting'
        foreach ($value in 'gguf', '1k', 'int8', 'q4_0') { $line[0] | Should -Match ([regex]::Escape($value)) }
    }

    It 'shows the config fields in the default view of .Config' {
        $text = $Stored.Config | Out-String -Width 80
        foreach ($field in @{ Name = 'tiny-formatting' }, @{ Format = 'gguf' }, @{ ParamSize = '1k' }, @{ Precision = 'int8' }, @{ Quantization = 'q4_0' }, @{ Family = 'spec' }) {
            $label = @($field.Keys)[0]
            $text | Should -Match "(?m)^$label\s*:\s*$([regex]::Escape($field[$label]))\s*$"
        }
    }

    It 'gives every config part a ToString a user can read' {
        "$($Stored.Config)" | Should -Match 'tiny-formatting'
        "$($Stored.Config.Config)" | Should -Match 'gguf'
        "$($Stored.Config.Descriptor)" | Should -Match 'tiny-formatting'
        "$($Stored.Config.ModelFs)" | Should -Match '3'
    }

    It 'keeps Reference, Name, Size, Files and Strategy in the artifact table at <_> columns, each reference whole' -ForEach $Widths {
        $text = $Stored | Format-Table | Out-String -Width $_
        $header = @($text -split "`r?`n" | Where-Object { $_ -match '\S' })[0]
        foreach ($column in 'Reference', 'Name', 'Size', 'Files', 'Strategy') { $header | Should -Match "\b$column\b" }
        # Wrapped within its column at 80 columns: the pieces, joined, are the whole reference.
        $start = $header.IndexOf('Reference')
        $pieces = @($text -split "`r?`n" | Select-Object -Skip 3 | Where-Object { $_.Length -gt $start } | ForEach-Object { $_.Substring($start).Trim() })
        ($pieces -join '') | Should -Be $Reference
    }

    It 'shows a partial model as present/all files at <_> columns, and which files were not downloaded' -ForEach $Widths {
        $table = $Partial | Format-Table | Out-String -Width $_
        $files = $Partial.Files | Format-Table | Out-String -Width $_
        $tested = Test-ModelArtifact -Reference $PartialReference | Format-Table | Out-String -Width $_
        $table | Should -Match '\s2/3\s'
        ($files -replace '\s+', ' ') | Should -Match 'model\.gguf \(not downloaded\)'
        # At 80 columns the Violations column wraps: its words, not its line breaks, are the point.
        ($tested -replace '\s+', ' ') | Should -Match 'True Artifact .*partial: 1 file\(s\) not downloaded'
        $tested | Should -Match '\(model\.gguf\)'
    }

    It 'shows the file table at <_> columns with path, kind, packing and size' -ForEach $Widths {
        $text = $Stored.Files | Format-Table | Out-String -Width $_
        $text | Should -Match 'Weight\s+Raw\s+64\s+[0-9a-f]{12}\s+model\.gguf'
    }
}

Describe 'The columns of each table view' {
    BeforeAll {
        function Get-Header($Value) { @(($Value | Out-String -Width 200) -split "`r?`n" | Where-Object { $_ -match '\S' })[0] -split '\s+' | Where-Object { $_ } }
        $script:Layout = Join-Path $TestDrive 'layout'
        Copy-Item -Path $env:MODELPACK_STORE -Destination $Layout -Recurse
    }

    It 'artifacts: Strategy, Digest, Size, Files, Name, Reference (from the store and from a layout)' {
        Get-Header $Stored | Should -Be 'Strategy', 'Digest', 'Size', 'Files', 'Name', 'Reference'
        $fromLayout = Get-ModelArtifact -Path $Layout -Reference $Reference
        ($fromLayout | Out-String -Width 200) | Should -Match "(?m)^Layout\s+[0-9a-f]{12}\s+[\d.,]+ KiB\s+3\s+tiny-formatting\s+$([regex]::Escape($Reference))\s*$" -Because 'a layout artifact is listed with Strategy Layout'
    }

    It 'files: Kind, Packing, Size, Digest, Path' {
        Get-Header $Stored.Files | Should -Be 'Kind', 'Packing', 'Size', 'Digest', 'Path'
    }

    It 'mounts: Strategy, Type, Destination, EntryPath, Source' {
        $mount = Get-ModelMount -Reference $Reference
        Get-Header $mount | Should -Be 'Strategy', 'Type', 'Destination', 'EntryPath', 'Source'
        ($mount | Out-String -Width 200) | Should -Match 'HttpBind\s+bind\s+/mnt/models\s+/mnt/models/model\.gguf\s+/'
    }

    It 'strategies: Order, Name, Available, Engine, Version, Reason' {
        Get-Header (Get-ModelStrategy) | Should -Be 'Order', 'Name', 'Available', 'Engine', 'Version', 'Reason'
        (Get-ModelStrategy | Out-String -Width 200) | Should -Match 'HttpBind\s+True\s+None\s+.*no engine is needed'
    }

    It 'the config table: Name, Format, ParamSize, Precision, Quantization' {
        Get-Header ($Stored.Config | Format-Table) | Should -Be 'Name', 'Format', 'ParamSize', 'Precision', 'Quantization'
    }
}
