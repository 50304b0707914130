# Copyright (c) CdnTasks contributors. MIT License.
#
# A small stand-in for platyPS's New-ExternalHelp (platyPS is not reachable from our build machines).
# It reads platyPS-schema markdown (docs/<Cmdlet>.md, docs/about_<Topic>.md) and writes
#   - MAML for binary cmdlets (<Assembly>.dll-Help.xml), through XmlWriter so that every value is escaped;
#   - plain-text about topics (about_<Topic>.help.txt) in the usual TOPIC / SHORT DESCRIPTION layout.
# It fails loudly on anything it does not understand (a missing section, a syntax block naming an
# undocumented parameter) rather than writing help that silently does not bind.

Set-StrictMode -Version 3.0

$script:MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'

#region Markdown reading

# Splits a markdown file into front matter and a flat list of blocks: headings, fenced code, paragraphs.
function Read-HelpMarkdown {
    param([Parameter(Mandatory)] [string] $Path)

    $text = [System.IO.File]::ReadAllText((Resolve-Path -LiteralPath $Path).ProviderPath) -replace "`r`n?", "`n"
    $lines = $text.Split("`n")
    $frontMatter = [ordered]@{}
    $i = 0
    if ($lines.Count -gt 0 -and $lines[0].Trim() -eq '---') {
        for ($i = 1; $i -lt $lines.Count -and $lines[$i].Trim() -ne '---'; $i++) {
            if ($lines[$i] -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $frontMatter[$Matches[1]] = $Matches[2] }
        }
        if ($i -ge $lines.Count) { throw "${Path}: front matter is not closed with '---'." }
        $i++
    }

    $blocks = [System.Collections.Generic.List[object]]::new()
    $para = [System.Collections.Generic.List[string]]::new()
    $flush = {
        if ($para.Count -gt 0) {
            $blocks.Add([pscustomobject]@{ Kind = 'Para'; Lines = @($para); Text = '' })
            $para.Clear()
        }
    }
    for (; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($line -match '^\s*(```+|~~~+)\s*([\w-]*)') {
            . $flush
            $fence = $Matches[1]; $lang = $Matches[2]
            $code = [System.Collections.Generic.List[string]]::new()
            for ($i++; $i -lt $lines.Count -and $lines[$i].Trim() -ne $fence; $i++) { $code.Add($lines[$i]) }
            if ($i -ge $lines.Count) { throw "${Path}: a code block opened with $fence is not closed." }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Lang = $lang; Text = ($code -join "`n") })
        }
        elseif ($line -match '^(#{1,6})\s+(.*?)\s*#*\s*$') {
            . $flush
            $blocks.Add([pscustomobject]@{ Kind = 'Heading'; Level = $Matches[1].Length; Text = $Matches[2] })
        }
        elseif ($line.Trim() -eq '') { . $flush }
        else { $para.Add($line) }
    }
    . $flush
    [pscustomobject]@{ Path = $Path; FrontMatter = $frontMatter; Blocks = $blocks }
}

# Groups blocks into H2 sections, each holding its own blocks and its H3 subsections.
function Get-HelpSections {
    param([Parameter(Mandatory)] $Document)

    $title = $null
    $sections = [ordered]@{}
    $current = $null; $sub = $null
    foreach ($block in $Document.Blocks) {
        if ($block.Kind -eq 'Heading' -and $block.Level -eq 1) { $title = $block.Text; continue }
        if ($block.Kind -eq 'Heading' -and $block.Level -eq 2) {
            $current = [pscustomobject]@{ Name = $block.Text.ToUpperInvariant(); Blocks = [System.Collections.Generic.List[object]]::new(); Subsections = [System.Collections.Generic.List[object]]::new() }
            $sections[$current.Name] = $current; $sub = $null
            continue
        }
        if ($null -eq $current) {
            if ($block.Kind -ne 'Heading') { throw "$($Document.Path): text before the first '##' section." }
            continue
        }
        if ($block.Kind -eq 'Heading' -and $block.Level -ge 3) {
            $sub = [pscustomobject]@{ Name = $block.Text; Blocks = [System.Collections.Generic.List[object]]::new() }
            $current.Subsections.Add($sub)
            continue
        }
        if ($null -ne $sub) { $sub.Blocks.Add($block) } else { $current.Blocks.Add($block) }
    }
    if (-not $title) { throw "$($Document.Path): no '# Title' heading." }
    [pscustomobject]@{ Title = $title; Sections = $sections }
}

# Turns a paragraph's lines into help text: list items keep their own lines, prose is joined,
# inline markdown (code spans, emphasis, links) is reduced to plain text.
function ConvertTo-PlainText {
    param([string[]] $Lines)

    $isList = @($Lines | Where-Object { $_ -match '^\s*([-*+]|\d+\.)\s' }).Count -gt 0
    $text = if ($isList) { ($Lines | ForEach-Object { $_.TrimEnd() }) -join "`n" } else { ($Lines | ForEach-Object { $_.Trim() }) -join ' ' }
    $text = [regex]::Replace($text, '\[([^\]]+)\]\(([^)\s]+)\)', {
            param($m)
            if ($m.Groups[2].Value -match '^[a-z]+://') { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } else { $m.Groups[1].Value }
        })
    $text = $text -replace '`([^`]+)`', '$1' -replace '\*\*([^*]+)\*\*', '$1' -replace '(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])', '$1'
    $text
}

# Paragraph texts of a list of blocks; code blocks are kept verbatim as their own paragraphs.
function Get-Paragraphs {
    param($Blocks)
    foreach ($block in $Blocks) {
        if ($block.Kind -eq 'Para') { ConvertTo-PlainText -Lines $block.Lines }
        elseif ($block.Kind -eq 'Code') { $block.Text }
    }
}

function Get-RequiredSection {
    param($Help, [string] $Name, [string] $Path)
    if (-not $Help.Sections.Contains($Name)) { throw "${Path}: missing section '## $Name'." }
    $Help.Sections[$Name]
}

#endregion

#region MAML

# Parses the ```yaml block of one parameter into an ordered dictionary.
function ConvertFrom-ParameterYaml {
    param([string] $Yaml)
    $meta = [ordered]@{}
    foreach ($line in $Yaml.Split("`n")) {
        if ($line -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $meta[$Matches[1]] = $Matches[2] }
    }
    $meta
}

function Read-CommandHelp {
    param([Parameter(Mandatory)] [string] $Path)

    $doc = Read-HelpMarkdown -Path $Path
    $help = Get-HelpSections -Document $doc
    $name = $help.Title
    if ($name -notmatch '^(\w+)-(\w+)$') { throw "${Path}: '# $name' is not a Verb-Noun command name." }
    $verb = $Matches[1]; $noun = $Matches[2]

    $synopsis = @(Get-Paragraphs (Get-RequiredSection $help 'SYNOPSIS' $Path).Blocks) -join ' '
    if (-not $synopsis) { throw "${Path}: the SYNOPSIS is empty." }
    $description = @(Get-Paragraphs (Get-RequiredSection $help 'DESCRIPTION' $Path).Blocks)
    if ($description.Count -eq 0) { throw "${Path}: the DESCRIPTION is empty." }

    # Parameters, in the order the page documents them. A parameter may carry one yaml block per
    # parameter set when its attributes differ between sets (platyPS does the same).
    $parameters = [ordered]@{}
    foreach ($sub in (Get-RequiredSection $help 'PARAMETERS' $Path).Subsections) {
        if ($sub.Name -eq 'CommonParameters') { continue }
        if ($sub.Name -notmatch '^-(\w+)$') { throw "${Path}: parameter heading '### $($sub.Name)' must look like '### -Name'." }
        $paramName = $Matches[1]
        $yamlBlocks = @($sub.Blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Lang -eq 'yaml' })
        if ($yamlBlocks.Count -eq 0) { throw "${Path}: parameter -$paramName has no yaml block." }
        $paramDescription = @(Get-Paragraphs ($sub.Blocks | Where-Object { -not ($_.Kind -eq 'Code' -and $_.Lang -eq 'yaml') }))
        $metas = foreach ($yaml in $yamlBlocks) {
            $meta = ConvertFrom-ParameterYaml $yaml.Text
            foreach ($key in 'Type', 'Parameter Sets', 'Required', 'Position') {
                if (-not $meta.Contains($key) -or -not $meta[$key]) { throw "${Path}: parameter -$paramName has no '$key' in its yaml block." }
            }
            $meta['Sets'] = @($meta['Parameter Sets'].Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ })
            $meta
        }
        $parameters[$paramName] = [pscustomobject]@{ Name = $paramName; Description = $paramDescription; Metas = @($metas) }
    }

    # Syntax: one code block per parameter set (under '### SetName' when there are several sets).
    # The block gives the order of parameters; their attributes come from PARAMETERS.
    $syntax = Get-RequiredSection $help 'SYNTAX' $Path
    $syntaxItems = [System.Collections.Generic.List[object]]::new()
    $sets = @($syntax.Subsections | ForEach-Object { [pscustomobject]@{ Name = ($_.Name -replace '\s*\(Default\)\s*$', ''); Blocks = $_.Blocks } })
    if ($sets.Count -eq 0) { $sets = @([pscustomobject]@{ Name = '__AllParameterSets'; Blocks = $syntax.Blocks }) }
    foreach ($set in $sets) {
        $code = @($set.Blocks | Where-Object Kind -eq 'Code')
        if ($code.Count -ne 1) { throw "${Path}: parameter set '$($set.Name)' needs exactly one syntax code block." }
        $items = foreach ($token in [regex]::Matches($code[0].Text, '(?<![\w<])-(\w+)')) {
            $paramName = $token.Groups[1].Value
            if (-not $parameters.Contains($paramName)) { throw "${Path}: the syntax of set '$($set.Name)' names -$paramName, which PARAMETERS does not document." }
            $param = $parameters[$paramName]
            $meta = $param.Metas | Where-Object { $_.Sets -contains $set.Name -or $_.Sets -contains '(All)' } | Select-Object -First 1
            if (-not $meta) { throw "${Path}: -$paramName appears in the syntax of set '$($set.Name)' but its 'Parameter Sets' do not include it." }
            [pscustomobject]@{ Param = $param; Meta = $meta }
        }
        $syntaxItems.Add([pscustomobject]@{ Name = $set.Name; Parameters = @($items) })
    }

    $examples = foreach ($sub in (Get-RequiredSection $help 'EXAMPLES' $Path).Subsections) {
        $code = [System.Collections.Generic.List[string]]::new()
        $remarks = [System.Collections.Generic.List[string]]::new()
        foreach ($block in $sub.Blocks) {
            if ($block.Kind -eq 'Code' -and $remarks.Count -eq 0) { $code.Add($block.Text) }
            elseif ($block.Kind -eq 'Code') { $remarks.Add($block.Text) }
            else { $remarks.Add((ConvertTo-PlainText -Lines $block.Lines)) }
        }
        if ($code.Count -eq 0) { throw "${Path}: example '$($sub.Name)' has no code block." }
        [pscustomobject]@{ Title = $sub.Name; Code = ($code -join "`n`n"); Remarks = @($remarks) }
    }

    $typeList = {
        param($SectionName)
        if (-not $help.Sections.Contains($SectionName)) { return }
        foreach ($sub in $help.Sections[$SectionName].Subsections) {
            [pscustomobject]@{ Name = $sub.Name; Description = @(Get-Paragraphs $sub.Blocks) }
        }
    }

    $notes = @()
    if ($help.Sections.Contains('NOTES')) {
        $notes = @(Get-Paragraphs $help.Sections['NOTES'].Blocks) + @(foreach ($sub in $help.Sections['NOTES'].Subsections) { $sub.Name; Get-Paragraphs $sub.Blocks })
    }

    $links = [System.Collections.Generic.List[object]]::new()
    $online = $doc.FrontMatter['online version']
    if ($online) { $links.Add([pscustomobject]@{ Text = 'Online Version:'; Uri = $online }) }
    if ($help.Sections.Contains('RELATED LINKS')) {
        foreach ($block in $help.Sections['RELATED LINKS'].Blocks) {
            if ($block.Kind -ne 'Para') { continue }
            foreach ($line in $block.Lines) {
                if ($line -match '^\s*\[([^\]]+)\]\(([^)]*)\)') {
                    # Relative links (to other pages in docs/) mean nothing in the shell; keep the text.
                    $linkText = $Matches[1]; $target = $Matches[2]
                    $uri = if ($target -match '^[a-z]+://') { $target } else { '' }
                    $links.Add([pscustomobject]@{ Text = $linkText; Uri = $uri })
                }
                elseif ($line.Trim()) { $links.Add([pscustomobject]@{ Text = (ConvertTo-PlainText -Lines $line); Uri = '' }) }
            }
        }
    }

    [pscustomobject]@{
        Name = $name; Verb = $verb; Noun = $noun; Synopsis = $synopsis; Description = $description
        SyntaxItems = $syntaxItems; Parameters = $parameters; Examples = @($examples)
        Inputs = @(& $typeList 'INPUTS'); Outputs = @(& $typeList 'OUTPUTS'); Notes = $notes; Links = $links
    }
}

function Write-Paras {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)
    foreach ($p in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $script:MamlNs, $p) }
    if (-not $Paragraphs) { $Writer.WriteElementString('maml', 'para', $script:MamlNs, '') }
}

function Write-Description {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)
    $Writer.WriteStartElement('maml', 'description', $script:MamlNs)
    Write-Paras $Writer $Paragraphs
    $Writer.WriteEndElement()
}

function Write-DevType {
    param([System.Xml.XmlWriter] $Writer, [string] $TypeName)
    $Writer.WriteStartElement('dev', 'type', $script:DevNs)
    $Writer.WriteElementString('maml', 'name', $script:MamlNs, $TypeName)
    $Writer.WriteElementString('maml', 'uri', $script:MamlNs, '')
    $Writer.WriteEndElement()
}

function Write-MamlParameter {
    param([System.Xml.XmlWriter] $Writer, $Param, $Meta, [switch] $InSyntax)

    $type = $Meta['Type']
    $isSwitch = $type -match '^(System\.Management\.Automation\.)?SwitchParameter$'
    $position = if ($Meta['Position'] -match '^\d+$') { $Meta['Position'] } else { 'named' }
    $aliases = if ($Meta.Contains('Aliases') -and $Meta['Aliases']) { $Meta['Aliases'] } else { 'none' }
    $pipeline = if ($Meta.Contains('Accept pipeline input') -and $Meta['Accept pipeline input']) { $Meta['Accept pipeline input'] } else { 'False' }
    $globbing = if ($Meta.Contains('Accept wildcard characters')) { $Meta['Accept wildcard characters'].ToLowerInvariant() } else { 'false' }
    $required = $Meta['Required'].ToLowerInvariant()
    if ($required -notin 'true', 'false') { throw "Parameter -$($Param.Name): 'Required: $($Meta['Required'])' must be True or False." }

    $Writer.WriteStartElement('command', 'parameter', $script:CommandNs)
    $Writer.WriteAttributeString('required', $required)
    $Writer.WriteAttributeString('variableLength', $(if ($type -match '\[\]$') { 'true' } else { 'false' }))
    $Writer.WriteAttributeString('globbing', $globbing)
    $Writer.WriteAttributeString('pipelineInput', $pipeline)
    $Writer.WriteAttributeString('position', $position)
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('maml', 'name', $script:MamlNs, $Param.Name)
    Write-Description $Writer $Param.Description

    $accepted = @()
    if ($Meta.Contains('Accepted values') -and $Meta['Accepted values']) { $accepted = @($Meta['Accepted values'].Split(',') | ForEach-Object { $_.Trim() }) }
    if ($InSyntax -and $accepted.Count -gt 0) {
        # Get-Help shows these as -Status {processing | succeed | ...}.
        $Writer.WriteStartElement('command', 'parameterValueGroup', $script:CommandNs)
        foreach ($value in $accepted) {
            $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNs)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('command', 'variableLength', $script:CommandNs, 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    elseif (-not ($InSyntax -and $isSwitch)) {
        $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNs)
        $Writer.WriteAttributeString('required', $(if ($isSwitch) { 'false' } else { 'true' }))
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($type)
        $Writer.WriteEndElement()
    }
    Write-DevType $Writer $type
    $default = if ($Meta.Contains('Default value') -and $Meta['Default value']) { $Meta['Default value'] } else { 'None' }
    $Writer.WriteElementString('dev', 'defaultValue', $script:DevNs, $default)
    $Writer.WriteEndElement()
}

function Write-MamlCommand {
    param([System.Xml.XmlWriter] $Writer, $Help)

    $Writer.WriteStartElement('command', 'command', $script:CommandNs)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $script:MamlNs)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $script:CommandNs)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $script:DevNs)
    $Writer.WriteAttributeString('xmlns', 'MSHelp', $null, 'http://msdn.microsoft.com/mshelp')

    $Writer.WriteStartElement('command', 'details', $script:CommandNs)
    $Writer.WriteElementString('command', 'name', $script:CommandNs, $Help.Name)
    $Writer.WriteElementString('command', 'verb', $script:CommandNs, $Help.Verb)
    $Writer.WriteElementString('command', 'noun', $script:CommandNs, $Help.Noun)
    Write-Description $Writer @($Help.Synopsis)
    $Writer.WriteEndElement()

    Write-Description $Writer $Help.Description

    $Writer.WriteStartElement('command', 'syntax', $script:CommandNs)
    foreach ($item in $Help.SyntaxItems) {
        $Writer.WriteStartElement('command', 'syntaxItem', $script:CommandNs)
        $Writer.WriteElementString('maml', 'name', $script:MamlNs, $Help.Name)
        foreach ($entry in $item.Parameters) { Write-MamlParameter $Writer $entry.Param $entry.Meta -InSyntax }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $script:CommandNs)
    foreach ($param in $Help.Parameters.Values) { Write-MamlParameter $Writer $param $param.Metas[0] }
    $Writer.WriteEndElement()

    foreach ($kind in @(@('inputTypes', 'inputType', $Help.Inputs), @('returnValues', 'returnValue', $Help.Outputs))) {
        $Writer.WriteStartElement('command', $kind[0], $script:CommandNs)
        foreach ($type in $kind[2]) {
            $Writer.WriteStartElement('command', $kind[1], $script:CommandNs)
            Write-DevType $Writer $type.Name
            Write-Description $Writer $type.Description
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('maml', 'alertSet', $script:MamlNs)
    $Writer.WriteStartElement('maml', 'alert', $script:MamlNs)
    Write-Paras $Writer $Help.Notes
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'examples', $script:CommandNs)
    foreach ($example in $Help.Examples) {
        $Writer.WriteStartElement('command', 'example', $script:CommandNs)
        $Writer.WriteElementString('maml', 'title', $script:MamlNs, "---------- $($example.Title) ----------")
        $Writer.WriteElementString('dev', 'code', $script:DevNs, $example.Code)
        $Writer.WriteStartElement('dev', 'remarks', $script:DevNs)
        Write-Paras $Writer $example.Remarks
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $script:CommandNs)
    foreach ($link in $Help.Links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $script:MamlNs)
        $Writer.WriteElementString('maml', 'linkText', $script:MamlNs, $link.Text)
        $Writer.WriteElementString('maml', 'uri', $script:MamlNs, $link.Uri)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

<#
.SYNOPSIS
Converts platyPS-schema cmdlet pages into one MAML help file.
.EXAMPLE
ConvertTo-MamlHelp -Path docs/Get-CdnUrlTask.md -OutputFile out/CdnTasks/en-US/CdnTasks.dll-Help.xml
#>
function ConvertTo-MamlHelp {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string[]] $Path,
        [Parameter(Mandatory)] [string] $OutputFile
    )

    $helps = foreach ($file in $Path) { Read-CommandHelp -Path $file }
    $directory = Split-Path -Parent $OutputFile
    if ($directory) { $null = New-Item -ItemType Directory -Force -Path $directory }

    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $settings.NewLineChars = "`n"
    $OutputFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputFile)
    $writer = [System.Xml.XmlWriter]::Create($OutputFile, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', 'http://msh')
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($help in $helps) { Write-MamlCommand $writer $help }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally { $writer.Dispose() }

    # Reading it back catches anything the writer let through.
    $null = [xml][System.IO.File]::ReadAllText($OutputFile)
    foreach ($help in $helps) { Write-Verbose "MAML: $($help.Name) ($($help.Examples.Count) examples, $($help.Parameters.Count) parameters)" }
}

#endregion

#region About topics

function Format-Wrapped {
    param([string] $Text, [int] $Indent, [int] $Width = 80, [int] $HangingIndent = $Indent)
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ''
    $prefix = ' ' * $Indent
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if ($line -and ($prefix.Length + $line.Length + 1 + $word.Length) -gt $Width) {
            $lines.Add($prefix + $line); $line = $word; $prefix = ' ' * $HangingIndent
        }
        elseif ($line) { $line += " $word" }
        else { $line = $word }
    }
    if ($line) { $lines.Add($prefix + $line) }
    $lines
}

function Format-AboutBlocks {
    param($Blocks, [int] $Indent)
    foreach ($block in $Blocks) {
        if ($block.Kind -eq 'Code') {
            foreach ($codeLine in $block.Text.Split("`n")) { (' ' * ($Indent + 4)) + $codeLine }
        }
        else {
            $text = ConvertTo-PlainText -Lines $block.Lines
            foreach ($part in $text.Split("`n")) {
                if ($part -match '^\s*([-*+]|\d+\.)\s+(.*)$') {
                    $marker = $Matches[1]; $itemText = $Matches[2]
                    $bullet = if ($marker -match '\d') { $marker } else { '-' }
                    Format-Wrapped -Text "$bullet $itemText" -Indent $Indent -HangingIndent ($Indent + $bullet.Length + 1)
                }
                else { Format-Wrapped -Text $part -Indent $Indent }
            }
        }
        ''
    }
}

<#
.SYNOPSIS
Converts a platyPS-schema about_ page into a plain-text about_<Topic>.help.txt file.
.EXAMPLE
ConvertTo-AboutHelpText -Path docs/about_CdnTasks.md -OutputFile out/CdnTasks/en-US/about_CdnTasks.help.txt
#>
function ConvertTo-AboutHelpText {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [string] $OutputFile
    )

    $help = Get-HelpSections -Document (Read-HelpMarkdown -Path $Path)
    if ($help.Title -notmatch '^about_\w+$') { throw "${Path}: the title '# $($help.Title)' must be about_<Topic>." }
    $null = Get-RequiredSection $help 'SHORT DESCRIPTION' $Path
    $null = Get-RequiredSection $help 'LONG DESCRIPTION' $Path

    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add('TOPIC'); $out.Add("    $($help.Title)"); $out.Add('')
    foreach ($section in $help.Sections.Values) {
        $out.Add($section.Name)
        foreach ($line in (Format-AboutBlocks $section.Blocks 4)) { $out.Add($line) }
        foreach ($sub in $section.Subsections) {
            $out.Add("    $($sub.Name)")
            foreach ($line in (Format-AboutBlocks $sub.Blocks 4)) { $out.Add($line) }
        }
    }
    while ($out.Count -gt 0 -and $out[$out.Count - 1] -eq '') { $out.RemoveAt($out.Count - 1) }

    $directory = Split-Path -Parent $OutputFile
    if ($directory) { $null = New-Item -ItemType Directory -Force -Path $directory }
    $OutputFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputFile)
    [System.IO.File]::WriteAllText($OutputFile, (($out -join "`n") + "`n"), [System.Text.UTF8Encoding]::new($false))
}

#endregion

Export-ModuleMember -Function ConvertTo-MamlHelp, ConvertTo-AboutHelpText
