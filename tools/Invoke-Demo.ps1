# Copyright (c) CdnTasks contributors. MIT License.
#
# The main job, as a user would run it. build.ps1 -Task Demo starts the emulator and runs this in a
# child pwsh with HUAWEICLOUD_SDK_AK/SK/DOMAIN_ID and CDNTASKS_ENDPOINT pointing at it.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $CsvPath
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

# The line users type most, as they type it: without -All it writes every record of the last 24 hours up to
# 10,000 (and warns how many match when there are more).
Write-Host "> Get-CdnUrlTask -Status failed | Export-Csv $CsvPath -NoTypeInformation"
$elapsed = Measure-Command { Get-CdnUrlTask -Status failed | Export-Csv -Path $CsvPath -NoTypeInformation }
$rows = @(Import-Csv -Path $CsvPath).Count
Write-Host ('Exported {0} rows in {1:N1} s' -f $rows, $elapsed.TotalSeconds)

Write-Host '> Get-CdnUrlTask -Status failed -First 10 | Format-Table'
Get-CdnUrlTask -Status failed -First 10 | Format-Table | Out-String -Width 160 | Write-Host
