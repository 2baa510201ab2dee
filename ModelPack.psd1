@{
    RootModule           = 'ModelPack.PowerShell.dll'
    # Imported first: installs the resolver that loads ModelPack.Core and its libraries from Dependencies/
    # (on PowerShell 7 into a private AssemblyLoadContext) before PowerShell reads the cmdlet assembly.
    NestedModules        = @('ModelPack.Loader.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '5f0c7a52-8a3e-4c1b-9d55-2b7e4f7d6a10'
    Author               = 'ModelPack.PowerShell contributors'
    CompanyName          = 'ModelPack.PowerShell'
    Copyright            = '(c) ModelPack.PowerShell contributors. Apache-2.0.'
    Description          = 'Pull, list, mount and remove AI models packaged as OCI artifacts under the CNCF ModelPack Model Format Specification, with podman, docker or no engine at all.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    FormatsToProcess     = @('ModelPack.format.ps1xml')
    TypesToProcess       = @('ModelPack.types.ps1xml')
    CmdletsToExport      = @(
        'Get-ModelArtifact'
        'Get-ModelMount'
        'Get-ModelStrategy'
        'New-ModelArtifact'
        'Publish-ModelArtifact'
        'Remove-ModelArtifact'
        'Save-ModelArtifact'
        'Test-ModelArtifact'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('ModelPack', 'OCI', 'AI', 'Models', 'Podman', 'Docker', 'Registry', 'PSEdition_Core', 'PSEdition_Desktop')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
        }
    }
}
