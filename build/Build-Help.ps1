#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the module's help from docs/<culture> with PlatyPS: the cmdlet pages become MAML
    (Export-MamlCommandHelp), each about_*.md becomes the about_*.help.txt Get-Help reads.
.DESCRIPTION
    The results are checked in (module/en-US) so that `dotnet build` alone, on a machine without
    pwsh or PlatyPS, still lays out a module whose Get-Help works. The build runs this script when
    pwsh and PlatyPS are there (build/Module.targets); the tests run it with -Check, which fails
    when the checked-in files no longer agree with the pages.

    Every cmdlet page must pass Test-MarkdownCommandHelp and import without an error or warning
    diagnostic (missing metadata, a missing ALIASES section); each problem is printed as
    "FILE(LINE): error: MESSAGE", the form MSBuild shows on that line.

    Exit codes: 0 done (or, with -Check, the files agree); 1 a page is invalid (or, with -Check, a
    file differs); 3 PlatyPS is not installed.
.EXAMPLE
    pwsh ./build/Build-Help.ps1
.EXAMPLE
    pwsh ./build/Build-Help.ps1 -Check
#>
[CmdletBinding()]
param(
    # The folder of markdown pages: one per cmdlet and about_*.md topics.
    [string] $DocsPath = (Join-Path $PSScriptRoot '../docs/en-US'),
    # Where the MAML file and the about topics are written (or, with -Check, compared).
    [string] $OutputPath = (Join-Path $PSScriptRoot '../module/en-US'),
    # Compare instead of writing: exit 1 and name every file that would change.
    [switch] $Check
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$platyPS = Get-Module -ListAvailable Microsoft.PowerShell.PlatyPS | Sort-Object Version -Descending | Select-Object -First 1
if (-not $platyPS) {
    Write-Host 'Microsoft.PowerShell.PlatyPS is not installed: help is not rebuilt (Install-PSResource Microsoft.PowerShell.PlatyPS).'
    exit 3
}
Import-Module $platyPS

$DocsPath = (Resolve-Path -LiteralPath $DocsPath).ProviderPath
$problems = [Collections.Generic.List[string]]::new()

# Cmdlet pages: validated first, so that a broken page never turns into help.
$pages = @(Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' | Where-Object Name -NotLike 'about_*' | Sort-Object Name)
$commandHelp = foreach ($page in $pages) {
    $test = Test-MarkdownCommandHelp -Path ([WildcardPattern]::Escape($page.FullName)) -DetailView
    foreach ($message in $test.Messages | Where-Object { $_ -notmatch '^PASS' }) {
        $problems.Add("$($page.FullName)(1): error: $message")
    }

    $help = Import-MarkdownCommandHelp -LiteralPath $page.FullName
    foreach ($diagnostic in $help.Diagnostics.Messages | Where-Object { "$($_.Severity)" -ne 'Information' }) {
        $line = [Math]::Max(1, [int]$diagnostic.Line)
        $problems.Add("$($page.FullName)($line): error: $($diagnostic.Source): $($diagnostic.Message -join ' ') $($diagnostic.Identifier)".TrimEnd())
    }

    $help
}

# About topics: the text layout Get-Help shows for about_*.help.txt. Get-Help takes line 5 as the
# topic's synopsis (HelpFileHelpInfo), so the first five lines are fixed: TOPIC, the name, a blank
# line, SHORT DESCRIPTION and its text on one line.
function ConvertTo-AboutText {
    param([Parameter(Mandatory)] [IO.FileInfo] $Page)

    $width = 80
    $name = $Page.BaseName
    $probe = Measure-PlatyPSMarkdown -LiteralPath $Page.FullName
    if (-not $probe.IsAboutTopic()) {
        $problems.Add("$($Page.FullName)(1): error: PlatyPS does not take this page for an about topic (its metadata needs 'title: $name').")
        return
    }

    if ($probe.Title -ne $name) {
        $problems.Add("$($Page.FullName)(1): error: the metadata title '$($probe.Title)' is not the file name '$name'.")
    }

    $pipeline = [Markdig.MarkdownPipelineBuilder]::new()
    $pipeline = [Markdig.MarkdownExtensions]::UseYamlFrontMatter($pipeline).Build()
    $document = [Markdig.Markdown]::Parse([IO.File]::ReadAllText($Page.FullName), $pipeline)

    $inline = {
        param($container)
        $text = [Text.StringBuilder]::new()
        for ($node = $container.FirstChild; $null -ne $node; $node = $node.NextSibling) {
            # One element: a container node would otherwise be enumerated by switch.
            switch (, $node) {
                { $_ -is [Markdig.Syntax.Inlines.LiteralInline] } { [void]$text.Append($_.Content.ToString()); break }
                { $_ -is [Markdig.Syntax.Inlines.CodeInline] } { [void]$text.Append('`').Append($_.Content).Append('`'); break }
                { $_ -is [Markdig.Syntax.Inlines.LineBreakInline] } { [void]$text.Append($(if ($_.IsHard) { "`n" } else { ' ' })); break }
                { $_ -is [Markdig.Syntax.Inlines.HtmlEntityInline] } { [void]$text.Append($_.Transcoded.ToString()); break }
                { $_ -is [Markdig.Syntax.Inlines.AutolinkInline] } { [void]$text.Append($_.Url); break }
                { $_ -is [Markdig.Syntax.Inlines.LinkInline] } {
                    $label = & $inline $_
                    $web = $_.Url -match '^https?://'
                    [void]$text.Append($(if ($web -and $label -ne $_.Url) { "$label ($($_.Url))" } elseif ($web) { $_.Url } else { $label }))
                    break
                }
                # Markup that is not a link is shown as written: '*.bin' stays '*.bin', an unmatched '[' stays.
                { $_ -is [Markdig.Syntax.Inlines.EmphasisInline] } {
                    $delimiter = [string]::new($_.DelimiterChar, $_.DelimiterCount)
                    [void]$text.Append($delimiter).Append((& $inline $_)).Append($delimiter)
                    break
                }
                { $_ -is [Markdig.Syntax.Inlines.DelimiterInline] } { [void]$text.Append($_.ToLiteral()).Append((& $inline $_)); break }
                { $_ -is [Markdig.Syntax.Inlines.ContainerInline] } { [void]$text.Append((& $inline $_)); break }
                default { [void]$text.Append($_.ToString()) }
            }
        }
        $text.ToString()
    }

    $lines = [Collections.Generic.List[string]]::new()
    $wrap = {
        param([string] $content, [string] $firstIndent, [string] $nextIndent)
        foreach ($hardLine in $content -split "`n") {
            $line = $firstIndent
            $hasWord = $false
            foreach ($word in $hardLine -split ' ' | Where-Object { $_ }) {
                if ($hasWord -and $line.Length + 1 + $word.Length -gt $width) {
                    $lines.Add($line)
                    $line = $nextIndent
                    $hasWord = $false
                }
                $line += $(if ($hasWord) { ' ' } else { '' }) + $word
                $hasWord = $true
            }
            $lines.Add($line.TrimEnd())
            $firstIndent = $nextIndent
        }
    }
    $block = {
        param($node, [string] $indent)
        # One element: a container node would otherwise be enumerated by switch.
            switch (, $node) {
            { $_ -is [Markdig.Syntax.ParagraphBlock] } { & $wrap (& $inline $_.Inline) $indent $indent; break }
            { $_ -is [Markdig.Syntax.FencedCodeBlock] } {
                # A 'text' fence is prose lined up by hand (tables of names): kept as written.
                $codeIndent = if ($_.Info -eq 'text') { $indent } else { $indent + '    ' }
                foreach ($codeLine in $_.Lines.Lines | Select-Object -First $_.Lines.Count) {
                    $value = $codeLine.Slice.ToString()
                    $lines.Add($(if ($value) { $codeIndent + $value } else { '' }))
                }
                break
            }
            { $_ -is [Markdig.Syntax.ListBlock] } {
                $number = 0
                foreach ($item in $_) {
                    $number++
                    $marker = if ($node.IsOrdered) { "$number$($node.OrderedDelimiter) " } else { '- ' }
                    $first = $true
                    foreach ($child in $item) {
                        if ($child -is [Markdig.Syntax.ParagraphBlock] -and $first) {
                            & $wrap (& $inline $child.Inline) ($indent + $marker) ($indent + (' ' * $marker.Length))
                        }
                        else {
                            & $block $child ($indent + (' ' * $marker.Length))
                        }
                        $first = $false
                    }
                }
                break
            }
            { $_ -is [Markdig.Syntax.QuoteBlock] } { foreach ($child in $_) { & $block $child ($indent + '    ') }; break }
            { $_ -is [Markdig.Syntax.ThematicBreakBlock] } { break }
            default { throw "$($Page.FullName)($($node.Line + 1)): a $($node.GetType().Name) cannot be shown in an about topic." }
        }
    }

    $sawTitle = $false
    $section = $null
    $previous = $null
    foreach ($node in $document) {
        if ($node -is [Markdig.Extensions.Yaml.YamlFrontMatterBlock]) { continue }
        if ($node -is [Markdig.Syntax.HeadingBlock]) {
            $heading = & $inline $node.Inline
            if ($node.Level -eq 1) {
                if ($heading -ne $name) { $problems.Add("$($Page.FullName)($($node.Line + 1)): error: the title '# $heading' is not the file name '$name'.") }
                $lines.Add('TOPIC'); $lines.Add("    $name")
                $sawTitle = $true
            }
            elseif ($node.Level -eq 2) {
                $section = $heading.ToUpperInvariant()
                $lines.Add(''); $lines.Add($section)
            }
            else {
                $lines.Add(''); $lines.Add("    $heading")
            }
            $previous = $node
            continue
        }

        if (-not $sawTitle -or -not $section) {
            $problems.Add("$($Page.FullName)($($node.Line + 1)): error: text before the first '##' section would not appear in Get-Help.")
            continue
        }

        if ($section -eq 'SHORT DESCRIPTION') {
            if ($node -isnot [Markdig.Syntax.ParagraphBlock] -or $previous -isnot [Markdig.Syntax.HeadingBlock]) {
                $problems.Add("$($Page.FullName)($($node.Line + 1)): error: the short description is one paragraph: Get-Help lists it as the topic's synopsis.")
                continue
            }
            # Not wrapped: Get-Help about_* lists only this line.
            $lines.Add('    ' + ((& $inline $node.Inline) -replace '\s+', ' ').Trim())
            $previous = $node
            continue
        }

        # Blocks are separated by a blank line; a heading sits right on its text.
        if ($previous -isnot [Markdig.Syntax.HeadingBlock]) { $lines.Add('') }
        & $block $node '    '
        $previous = $node
    }

    if (@($lines).Count -lt 5 -or $lines[3] -ne 'SHORT DESCRIPTION') {
        $problems.Add("$($Page.FullName)(1): error: an about topic starts with '# $name' and then '## Short description'.")
    }
    if ($lines -notcontains 'LONG DESCRIPTION') {
        $problems.Add("$($Page.FullName)(1): error: '$name' has no '## Long description' section.")
    }

    ($lines -join "`n") + "`n"
}

$aboutTopics = [ordered]@{}
foreach ($page in Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.md' | Sort-Object Name) {
    $aboutTopics["$($page.BaseName).help.txt"] = ConvertTo-AboutText $page
}

if ($problems.Count) {
    $problems | ForEach-Object { Write-Host $_ }
    exit 1
}

# Written into a scratch folder first; files are replaced only when their content changed.
$scratch = Join-Path ([IO.Path]::GetTempPath()) "modelpack-help-$([guid]::NewGuid().ToString('n'))"
try {
    $maml = @($commandHelp | Export-MamlCommandHelp -OutputFolder $scratch -Force)
    $built = [ordered]@{}
    foreach ($file in $maml) { $built[$file.Name] = [IO.File]::ReadAllBytes($file.FullName) }
    $utf8Bom = [Text.UTF8Encoding]::new($true)
    foreach ($topic in $aboutTopics.GetEnumerator()) { $built[$topic.Key] = $utf8Bom.GetPreamble() + $utf8Bom.GetBytes($topic.Value) }

    $stale = @()
    foreach ($entry in $built.GetEnumerator()) {
        $target = Join-Path $OutputPath $entry.Key
        $current = if (Test-Path -LiteralPath $target) { [IO.File]::ReadAllBytes($target) } else { $null }
        if ($null -ne $current -and [Linq.Enumerable]::SequenceEqual([byte[]]$current, [byte[]]$entry.Value)) { continue }
        $stale += $target
        if (-not $Check) {
            $null = New-Item -ItemType Directory -Force -Path $OutputPath
            [IO.File]::WriteAllBytes($target, [byte[]]$entry.Value)
            Write-Host "help: wrote $target"
        }
    }

    $extra = @(Get-ChildItem -LiteralPath $OutputPath -File -ErrorAction Ignore | Where-Object { -not $built.Contains($_.Name) })
    foreach ($file in $extra) {
        $stale += $file.FullName
        if (-not $Check) { Remove-Item -LiteralPath $file.FullName; Write-Host "help: removed $($file.FullName)" }
    }

    if ($Check -and $stale) {
        $stale | ForEach-Object { Write-Host "$_(1): error: does not agree with $DocsPath; run build/Build-Help.ps1 (or build the module with pwsh and PlatyPS installed) and commit the result." }
        exit 1
    }
}
finally {
    Remove-Item -LiteralPath $scratch -Recurse -Force -ErrorAction Ignore
}
