using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests;

public class ModuleManifestTests
{
    private static readonly string[] CmdletClasses = typeof(ModelPack.Cmdlets.ModelPackCmdlet).Assembly
        .GetTypes()
        .Select(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).Cast<CmdletAttribute>().FirstOrDefault())
        .Where(a => a is not null)
        .Select(a => a!.VerbName + "-" + a.NounName)
        .OrderBy(n => n, StringComparer.Ordinal)
        .ToArray();

    [Fact]
    public void Module_exports_exactly_its_cmdlets()
    {
        using var ps = new PowerShellSession();
        var names = ps.RunOk("Get-Command -Module ModelPack | ForEach-Object Name")
            .Select(o => o.BaseObject.ToString()!)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();

        Assert.NotEmpty(names);
        Assert.Equal(CmdletClasses, names);
    }

    [Fact]
    public void Manifest_passes_Test_ModuleManifest_and_declares_both_editions()
    {
        using var ps = new PowerShellSession(importModule: false);
        var info = (PSModuleInfo)ps.RunOk("param($m) Test-ModuleManifest -Path $m", new System.Collections.Generic.Dictionary<string, object?> { ["m"] = ModulePaths.Manifest }).Single().BaseObject;

        Assert.Equal("ModelPack", info.Name);
        Assert.Equal(new[] { "Core", "Desktop" }, info.CompatiblePSEditions.ToArray());
        Assert.Equal(CmdletClasses, info.ExportedCmdlets.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray());
        Assert.Contains("ModelPack.format.ps1xml", info.ExportedFormatFiles.Select(System.IO.Path.GetFileName));
    }

    [Fact]
    public void Module_folder_holds_the_assemblies_the_manifest_needs()
    {
        var files = System.IO.Directory.GetFiles(ModulePaths.ModuleDirectory).Select(System.IO.Path.GetFileName).ToArray();

        Assert.Contains("ModelPack.psd1", files);
        Assert.Contains("ModelPack.PowerShell.dll", files);
        Assert.Contains("ModelPack.Core.dll", files);
        Assert.Contains("ModelPack.format.ps1xml", files);
        // PowerShellStandard.Library is a reference assembly only; shipping it would break loading.
        Assert.DoesNotContain("System.Management.Automation.dll", files);
    }
}
