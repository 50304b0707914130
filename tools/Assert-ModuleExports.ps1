# Copyright (c) CdnTasks contributors. MIT License.
#
# Run by build.ps1 in a CHILD pwsh (so the build process never loads CdnTasks.dll): checks that the
# built manifest's CmdletsToExport equals both what PowerShell exports after Import-Module and the
# cmdlets compiled into the assembly (public, non-abstract types with [Cmdlet]). Exit code 1 on any
# difference.
param([Parameter(Mandatory)] [string] $ManifestPath)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$ManifestPath = (Resolve-Path -LiteralPath $ManifestPath).ProviderPath
$data = Import-PowerShellDataFile -Path $ManifestPath
$problems = [System.Collections.Generic.List[string]]::new()
foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'VariablesToExport', 'AliasesToExport') {
    if (-not $data.ContainsKey($key)) { $problems.Add("$key is missing (it must be an explicit list, @() when empty).") }
    elseif (@($data[$key]) -match '[*?]') { $problems.Add("$key contains a wildcard: $(@($data[$key]) -join ', ')") }
}
$declared = @($data['CmdletsToExport'])

$module = Import-Module $ManifestPath -PassThru -Force
$exported = @(Get-Command -Module $module.Name -CommandType Cmdlet | ForEach-Object Name)
$assembly = $module.ImplementingAssembly
if (-not $assembly) { $assembly = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'CdnTasks' } | Select-Object -First 1 }
try { $types = $assembly.GetTypes() } catch [System.Reflection.ReflectionTypeLoadException] { $types = $_.Exception.Types | Where-Object { $_ } }
$compiled = @(foreach ($type in $types) {
        if (-not $type.IsPublic -or $type.IsAbstract) { continue }
        foreach ($attribute in $type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)) { "$($attribute.VerbName)-$($attribute.NounName)" }
    })

function Compare-Names([string] $LeftName, [string[]] $Left, [string] $RightName, [string[]] $Right) {
    foreach ($name in $Left) { if ($name -notin $Right) { $problems.Add("$name is in $LeftName but not in $RightName.") } }
    foreach ($name in $Right) { if ($name -notin $Left) { $problems.Add("$name is in $RightName but not in $LeftName.") } }
}
Compare-Names 'CmdletsToExport (CdnTasks.psd1)' $declared 'the cmdlets compiled into CdnTasks.dll' $compiled
Compare-Names 'CmdletsToExport (CdnTasks.psd1)' $declared 'Get-Command -Module CdnTasks' $exported

if ($problems.Count -gt 0) {
    Write-Host 'Module exports check FAILED:' -ForegroundColor Red
    foreach ($problem in $problems) { Write-Host "  - $problem" -ForegroundColor Red }
    exit 1
}
Write-Host "Exports OK: $($declared -join ', ')"
exit 0
