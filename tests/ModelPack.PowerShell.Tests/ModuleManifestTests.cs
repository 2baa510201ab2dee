using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests;

// In the store collection: its cmdlets read MODELPACK_STRATEGY, which tests of that collection set process-wide
// (StrategyOverrideTests sets an invalid one), so the two must not run at the same time.
[Collection(StoreCollection.Name)]
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
    public void Module_folder_holds_the_cmdlet_and_loader_assemblies_and_Dependencies_everything_else()
    {
        static string[] Names(string folder) => System.IO.Directory.GetFiles(folder).Select(f => System.IO.Path.GetFileName(f)!).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        var top = Names(ModulePaths.ModuleDirectory);
        var dependencies = Names(System.IO.Path.Combine(ModulePaths.ModuleDirectory, "Dependencies"));

        // Only what PowerShell loads into the default context sits where it probes.
        Assert.Equal(new[] { "ModelPack.Loader.dll", "ModelPack.PowerShell.dll" }, top.Where(n => n.EndsWith(".dll", StringComparison.Ordinal)));
        Assert.Contains("ModelPack.psd1", top);
        Assert.Contains("ModelPack.format.ps1xml", top);
        Assert.Contains("ModelPack.Core.dll", dependencies);
        Assert.Contains("System.Text.Json.dll", dependencies);
        Assert.Contains("SharpCompress.dll", dependencies);
        Assert.Contains("Tomlyn.dll", dependencies);
        Assert.Contains("Microsoft.Extensions.FileSystemGlobbing.dll", dependencies);
        Assert.DoesNotContain("ModelPack.PowerShell.dll", dependencies);
        // PowerShellStandard.Library is a reference assembly only; shipping it would break loading.
        Assert.DoesNotContain("System.Management.Automation.dll", top.Concat(dependencies));
        Assert.Equal(10, System.Reflection.AssemblyName.GetAssemblyName(System.IO.Path.Combine(ModulePaths.ModuleDirectory, "Dependencies", "System.Text.Json.dll")).Version!.Major);
    }

    [Fact]
    public void In_this_process_the_module_uses_the_tests_own_copy_of_Core()
    {
        // This test host has ModelPack.Core among its trusted platform assemblies (it references the project), so
        // the loader's context defers to that copy, as it does for any library the host already has: one Core,
        // and the hosted tests may compare the module's objects with Core's types directly. In a host that does
        // not reference the module (SmokeTests, pwsh) Core comes from Dependencies/ into the module's context.
        using var ps = new PowerShellSession();
        var resolved = (Type)ps.RunOk("[ModelPack.ModelArtifact]").Single().BaseObject;
        var emitted = ps.RunOk("@(Get-ModelStrategy)[0]").Single().BaseObject.GetType();

        Assert.Same(typeof(ModelArtifact), resolved);
        Assert.Same(typeof(ModelPack.Core.Strategies.StrategyInfo), emitted);
    }

    [Fact]
    public void The_cmdlet_and_loader_assemblies_reference_nothing_that_loads_privately_but_the_engine()
    {
        // The cmdlets live in the default load context and Core's libraries in the private one: a cmdlet that
        // named a System.Text.Json or SharpCompress type would get PowerShell's copy while Core has its own.
        static string[] References(string file)
        {
            using var pe = new System.Reflection.PortableExecutable.PEReader(System.IO.File.OpenRead(System.IO.Path.Combine(ModulePaths.ModuleDirectory, file)));
            var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            return metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        }

        Assert.Equal(new[] { "ModelPack.Core", "System.Management.Automation", "netstandard" }, References("ModelPack.PowerShell.dll"));
        Assert.Equal(new[] { "System.Management.Automation", "System.Runtime.Loader", "netstandard" }, References("ModelPack.Loader.dll"));
    }
}
