using System;
using System.IO;
using System.Reflection;

namespace ModelPack.Loading;

/// <summary>
/// The module's private folder: ModelPack.Core (the engine) and every library it depends on live in
/// <c>Dependencies/</c> under the module folder, where neither PowerShell nor .NET probes on their own,
/// so only <see cref="ModuleInitializer"/>'s resolver can load them.
/// </summary>
internal static class ModuleDependencies
{
    public const string FolderName = "Dependencies";

    /// <summary>The one assembly the cmdlets reference from the folder; the resolver hands out no other.</summary>
    public const string EngineAssemblyName = "ModelPack.Core";

    public static string ModuleFolder { get; } = Path.GetDirectoryName(typeof(ModuleDependencies).Assembly.Location) ?? string.Empty;

    public static string Folder { get; } = Path.Combine(ModuleFolder, FolderName);

    /// <summary>The file in the folder for this assembly name; null when the module does not ship it.</summary>
    public static string? PathOf(AssemblyName name)
    {
        if (string.IsNullOrEmpty(name.Name) || name.Name!.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            return null;
        }

        var path = Path.Combine(Folder, name.Name + ".dll");
        return File.Exists(path) ? path : null;
    }

    /// <summary>True for the cmdlet assembly and the assemblies loaded from the folder.</summary>
    public static bool IsModuleAssembly(Assembly assembly)
    {
        string location;
        try
        {
            location = assembly.Location;
        }
        catch (NotSupportedException)
        {
            return false; // a dynamic assembly
        }

        var folder = Path.GetDirectoryName(location);
        return string.Equals(folder, ModuleFolder, StringComparison.OrdinalIgnoreCase) ||
               string.Equals(folder, Folder, StringComparison.OrdinalIgnoreCase);
    }
}
