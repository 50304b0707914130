# Copyright (c) CdnTasks contributors. MIT License.
#
# Module manifest TEMPLATE. build.ps1 fills the {{...}} placeholders and writes the result to
# out/CdnTasks/CdnTasks.psd1:
#   {{ModuleVersion}} <- <ModuleVersion> in Directory.Build.props (the one version source)
#   {{ReleaseNotes}}  <- the "Unreleased" section of CHANGELOG.md
# Import the built module (out/CdnTasks), not this file.
@{
    RootModule             = 'CdnTasks.dll'
    ModuleVersion          = '{{ModuleVersion}}'
    GUID                   = '9449781f-449d-42b9-a2c7-b243d297f678'
    Author                 = 'CdnTasks contributors'
    CompanyName            = 'CdnTasks contributors'
    Copyright              = '(c) CdnTasks contributors. MIT License.'
    Description            = 'Query and manage Huawei Cloud CDN cache refresh (purge) and preheating (prefetch) tasks, with streamed paging, for Windows PowerShell 5.1 and PowerShell 7.4 or later.'
    # Windows PowerShell 5.1 on .NET Framework 4.7.2+ (the module binds its netstandard2.0 DLLs itself there)
    # and PowerShell 7.4+ (.NET 8); PowerShell 7.0-7.3 are refused at import with a message naming 7.4,
    # which PowerShellVersion cannot say for Core alone. Tested on PowerShell 7.6, with checks that apply
    # 5.1's binding rules and 7.4.0's assembly versions; tools/Invoke-DesktopSmoke.ps1 is the 5.1 smoke test.
    CompatiblePSEditions   = @('Desktop', 'Core')
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('CdnTasks.Format.ps1xml')

    # Explicit lists only, never '*': PowerShell can then discover commands without loading the DLL,
    # and build.ps1 fails when this list and the cmdlets compiled into CdnTasks.dll differ.
    CmdletsToExport        = @(
        'Clear-CdnCache'
        'Clear-CdnConfig'
        'Clear-CdnCredential'
        'Get-CdnConfig'
        'Get-CdnCredential'
        'Get-CdnQuota'
        'Get-CdnTask'
        'Get-CdnUrlTask'
        'Import-CdnCache'
        'Set-CdnConfig'
        'Set-CdnCredential'
        'Wait-CdnTask'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()

    PrivateData            = @{
        PSData = @{
            Tags         = @('CDN', 'HuaweiCloud', 'Purge', 'Prefetch', 'Cache')
            # ProjectUri and LicenseUri are deliberately not set: add them once the public repository
            # exists (ProjectUri = the repository URL, LicenseUri = its LICENSE file).
            ReleaseNotes = '{{ReleaseNotes}}'
        }
    }
}
