using System;
using System.IO;

namespace ModelPack.PowerShell.Tests.Support;

/// <summary>Locates the repository and the module the build laid out at out/ModelPack.</summary>
public static class ModulePaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ModuleDirectory => Path.Combine(RepoRoot, "out", "ModelPack");

    public static string Manifest => Path.Combine(ModuleDirectory, "ModelPack.psd1");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelPack.PowerShell.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
    }
}
