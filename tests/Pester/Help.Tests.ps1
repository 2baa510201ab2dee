# The help pages are valid PlatyPS 1.0 markdown that describes the cmdlets as they are; the
# checked-in MAML and about text agree with them; Get-Help shows them; every example parses and
# the ones that need nothing but a registry, a folder and the local store run.

BeforeDiscovery {
    Import-Module Microsoft.PowerShell.PlatyPS -ErrorAction Stop
    $root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    $docs = Join-Path $root 'docs/en-US'
    $script:Pages = @(Get-ChildItem -LiteralPath $docs -Filter '*-*.md' | Sort-Object Name | ForEach-Object { @{ Name = $_.BaseName; Path = $_.FullName } })

    # Examples that reach only what the sandbox has: the registry (written localhost:5000), folders
    # made for them and the local store with no engine. The others (another registry, podman, docker,
    # skopeo, a credential prompt, files under $HOME) are parsed but not run.
    $notRunnable = 'registry\.example\.com|\bpodman\b|\bdocker\b|skopeo|Get-Credential|\$HOME|tiny-image|PodmanImage|PodmanArtifact|\$env:MODELPACK_'
    $script:Examples = foreach ($page in $Pages) {
        $help = Import-MarkdownCommandHelp -Path $page.Path
        foreach ($example in $help.Examples) {
            $code = @([regex]::Matches($example.Remarks, '(?s)```powershell\r?\n(.*?)```') | ForEach-Object { $_.Groups[1].Value }) -join "`n"
            @{ Command = $page.Name; Title = $example.Title; Code = $code; Runnable = $code -and $code -notmatch $notRunnable }
        }
    }
    $script:RunnableExamples = @($Examples | Where-Object Runnable)

    # PowerShell blocks of the about topic and the README parse as well.
    $script:OtherBlocks = foreach ($file in (Join-Path $docs 'about_ModelPack.md'), (Join-Path $root 'README.md')) {
        $index = 0
        foreach ($match in [regex]::Matches([IO.File]::ReadAllText($file), '(?s)```powershell\r?\n(.*?)```')) {
            $index++
            @{ File = [IO.Path]::GetFileName($file); Index = $index; Code = $match.Groups[1].Value }
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
    Import-Module Microsoft.PowerShell.PlatyPS -ErrorAction Stop
    Import-Module (Get-SpecModulePath) -Force
    $script:Root = Get-SpecRepoRoot
    $script:Docs = Join-Path $Root 'docs/en-US'
    $script:CommonParameters = [Management.Automation.PSCmdlet]::CommonParameters + [Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'The page of <Name>' -ForEach $Pages {
    BeforeAll {
        $script:Help = Import-MarkdownCommandHelp -Path $Path
        $script:Command = Get-Command -Name $Name -Module ModelPack
    }

    It 'is valid PlatyPS 1.0 markdown (Test-MarkdownCommandHelp)' {
        $result = Test-MarkdownCommandHelp -Path ([WildcardPattern]::Escape($Path)) -DetailView
        $result.Messages | Where-Object { $_ -notmatch '^PASS' } | Should -BeNullOrEmpty
        $result.IsValid | Should -BeTrue
    }

    It 'has the metadata and sections PlatyPS 1.0 expects (Locale, ms.date, title, ALIASES)' {
        $problems = $Help.Diagnostics.Messages | Where-Object { "$($_.Severity)" -ne 'Information' } | ForEach-Object { "$($_.Source): $($_.Identifier) $($_.Message)" }
        $problems | Should -BeNullOrEmpty
        $Help.Metadata['title'] | Should -Be $Name
        $Help.Metadata['Locale'] | Should -Be 'en-US'
        $Help.Metadata['ms.date'] | Should -Match '^\d{2}/\d{2}/\d{4}$'
        $Help.AliasHeaderFound | Should -BeTrue
    }

    It 'documents every parameter of the cmdlet, and no other, with a description' {
        $declared = @($Command.Parameters.Keys | Where-Object { $_ -notin $CommonParameters }) + @(if ($Command.Parameters.ContainsKey('WhatIf')) { 'WhatIf', 'Confirm' }) | Sort-Object -Unique
        @($Help.Parameters.Name | Sort-Object -Unique) | Should -Be $declared
        $Help.Parameters | Where-Object { -not $_.Description.Trim() } | ForEach-Object Name | Should -BeNullOrEmpty
    }

    It 'gives each parameter the sets, mandatory flag, position, pipeline binding, aliases, type and wildcards the code declares' {
        $problems = foreach ($parameter in $Command.Parameters.Values | Where-Object { $_.Name -notin $CommonParameters }) {
            $page = $Help.Parameters | Where-Object Name -eq $parameter.Name
            if (-not $page) { continue }
            if (($page.Type -replace '^.*\.', '') -ne $parameter.ParameterType.Name) { "-$($parameter.Name): type $($parameter.ParameterType.Name) in the code, $($page.Type) in the page" }
            $codeAliases = @($parameter.Aliases | Sort-Object) -join ','
            $pageAliases = @($page.Aliases | Sort-Object) -join ','
            if ($codeAliases -ne $pageAliases) { "-$($parameter.Name): aliases '$codeAliases' in the code, '$pageAliases' in the page" }
            $wildcards = [bool]($parameter.Attributes | Where-Object { $_ -is [Management.Automation.SupportsWildcardsAttribute] })
            if ($wildcards -ne $page.SupportsWildcards) { "-$($parameter.Name): wildcards $wildcards in the code, $($page.SupportsWildcards) in the page" }
            $setNames = @($Command.ParameterSets.Name)
            foreach ($set in $parameter.ParameterSets.GetEnumerator()) {
                $sets = if ($set.Key -eq '__AllParameterSets') { if ($setNames.Count -gt 1 -or $setNames -ne '__AllParameterSets') { $setNames } else { '__AllParameterSets' } } else { @($set.Key) }
                foreach ($setName in $sets) {
                    $documented = $page.ParameterSets | Where-Object { $_.Name -eq $setName -or $_.Name -eq '(All)' } | Select-Object -First 1
                    if (-not $documented) { "-$($parameter.Name): not documented in set $setName"; continue }
                    $position = if ($set.Value.Position -lt 0) { 'Named' } else { "$($set.Value.Position)" }
                    if ($documented.Position -ne $position) { "-$($parameter.Name) in ${setName}: position $position in the code, $($documented.Position) in the page" }
                    if ($documented.IsRequired -ne $set.Value.IsMandatory) { "-$($parameter.Name) in ${setName}: mandatory $($set.Value.IsMandatory) in the code, $($documented.IsRequired) in the page" }
                    if ($documented.ValueFromPipeline -ne $set.Value.ValueFromPipeline) { "-$($parameter.Name) in ${setName}: by value $($set.Value.ValueFromPipeline) in the code" }
                    if ($documented.ValueFromPipelineByPropertyName -ne $set.Value.ValueFromPipelineByPropertyName) { "-$($parameter.Name) in ${setName}: by property name $($set.Value.ValueFromPipelineByPropertyName) in the code" }
                }
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'is what Get-Help shows: the synopsis and a description for every parameter' {
        $shown = Get-Help -Name $Name -Full
        $shown.Synopsis.Trim() | Should -Be $Help.Synopsis.Trim()
        foreach ($parameter in @($shown.parameters.parameter)) {
            ($parameter.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "-$($parameter.name) needs a description"
        }
        @($shown.parameters.parameter.name | Sort-Object) | Should -Be @($Help.Parameters.Name | Sort-Object)
        @($shown.examples.example).Count | Should -Be $Help.Examples.Count
    }
}

Describe 'The about topic and the built help' {
    It 'about_ModelPack is an about topic to PlatyPS' {
        $probe = Measure-PlatyPSMarkdown -Path (Join-Path $Docs 'about_ModelPack.md')
        $probe.FileType.ToString() | Should -Match 'AboutTopic'
        $probe.Title | Should -Be 'about_ModelPack'
    }

    It 'the checked-in MAML and about text agree with the pages (build/Build-Help.ps1 -Check)' {
        $output = & (Get-Process -Id $PID).Path -NoProfile -NonInteractive -File (Join-Path $Root 'build/Build-Help.ps1') -DocsPath $Docs -OutputPath (Join-Path $Root 'module/en-US') -Check 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
    }

    It 'the module carries that help, and Get-Help about_ModelPack shows and lists the topic' {
        $moduleBase = (Get-Module ModelPack).ModuleBase
        foreach ($file in 'ModelPack.PowerShell.dll-Help.xml', 'about_ModelPack.help.txt') {
            (Get-FileHash (Join-Path $moduleBase "en-US/$file")).Hash | Should -Be (Get-FileHash (Join-Path $Root "module/en-US/$file")).Hash -Because "out/ModelPack gets module/en-US/$file"
        }
        $topic = Get-Help about_ModelPack -Category HelpFile | Out-String
        $topic | Should -Match 'SHORT DESCRIPTION'
        $topic | Should -Match 'PodmanArtifact'
        # Get-Help about_* lists line 5 of the file as the topic's synopsis.
        $lines = [IO.File]::ReadAllLines((Join-Path $moduleBase 'en-US/about_ModelPack.help.txt'))
        $lines[0] | Should -Be ([char]0xFEFF + 'TOPIC')
        $lines[3] | Should -Be 'SHORT DESCRIPTION'
        $lines[4].Trim() | Should -BeLike 'Pull, list, mount and remove AI models*Specification.'
    }
}

Describe 'The examples and PowerShell blocks' {
    It '<Command>: <Title> parses' -ForEach $Examples {
        $errors = $null
        $null = [Management.Automation.Language.Parser]::ParseInput($Code, [ref] $null, [ref] $errors)
        $errors | Should -BeNullOrEmpty
        $Code | Should -Not -BeNullOrEmpty -Because 'every example shows a command in a powershell block'
    }

    It 'block <Index> of <File> parses' -ForEach $OtherBlocks {
        $errors = $null
        $null = [Management.Automation.Language.Parser]::ParseInput($Code, [ref] $null, [ref] $errors)
        $errors | Should -BeNullOrEmpty
    }
}

Describe 'Runnable examples' {
    BeforeAll {
        $script:Saved = Use-SpecStore
        $script:Registry = Get-SpecRegistry
        $script:Repository = New-SpecRepository examples
        $script:Sandbox = Join-Path $TestDrive 'sandbox'
        $null = New-SpecModelFolder -Path (Join-Path $Sandbox 'tiny') -Seed examples
        # The examples' registry, localhost:5000, is the run's registry; their repository is this file's own.
        function ConvertTo-SandboxCode([string] $Code) { $Code -replace 'localhost:5000/models/', "$Registry/$Repository/" }

        $script:Tiny = "$Registry/$Repository/tiny"
        foreach ($tag in '1.0', 'v1') { $null = New-ModelArtifact -Path (Join-Path $Sandbox 'tiny') -Reference "${Tiny}:$tag" -Name tiny | Publish-ModelArtifact }
        # ./models: a layout (a copy of the store); ./manifest.json: a manifest; ./publish.csv: Reference and Destination columns.
        Copy-Item -Path $env:MODELPACK_STORE -Destination (Join-Path $Sandbox 'models') -Recurse
        $manifest = (Get-ModelArtifact -Reference "${Tiny}:1.0").Digest -replace '^sha256:', ''
        Copy-Item (Join-Path $env:MODELPACK_STORE "blobs/sha256/$manifest") (Join-Path $Sandbox 'manifest.json')
        [pscustomobject]@{ Reference = "${Tiny}:1.0"; Destination = "$Registry/$Repository/copy:1.0" } | Export-Csv (Join-Path $Sandbox 'publish.csv')
        # The store each example starts from: both tags saved (copied per example, which is quicker than saving).
        $script:Template = $env:MODELPACK_STORE
    }

    AfterAll {
        Restore-SpecEnvironment $script:Saved
    }

    It '<Command>: <Title> runs without an error' -ForEach $RunnableExamples {
        # Each example gets a store of its own, holding both tags, except one that packs them itself.
        $env:MODELPACK_STORE = Join-Path $TestDrive "store-$([guid]::NewGuid().ToString('n'))"
        if ($Code -notmatch '^\s*New-ModelArtifact\b' -or $Code -match '-Force\b') {
            Copy-Item -LiteralPath $Template -Destination $env:MODELPACK_STORE -Recurse
        }
        Push-Location $Sandbox
        try {
            $ErrorActionPreference = 'Stop'
            $null = & ([scriptblock]::Create((ConvertTo-SandboxCode $Code))) *>&1 | Out-String -Width 120
        }
        finally {
            Pop-Location
        }
    }
}
