using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection;

namespace ModelPack.Loading;

/// <summary>
/// The assemblies the host process was started with (.NET's trusted platform assemblies: the runtime and,
/// for pwsh, PowerShell's own folder), and whether one of them is at least as new as the module's copy.
/// Equal assembly versions are decided by file version: pwsh 7.4 ships Json.More 2.1 as assembly 2.0.0.0,
/// and a library built against 2.2 (also 2.0.0.0) needs the newer file.
/// </summary>
internal sealed class PlatformAssemblies
{
    private readonly Dictionary<string, string> _paths = new(StringComparer.OrdinalIgnoreCase);

    public PlatformAssemblies()
    {
        var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
        foreach (var path in list.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (!_paths.ContainsKey(name))
            {
                _paths.Add(name, path);
            }
        }
    }

    /// <summary>True when the platform has <paramref name="name"/> in at least the version of the file at <paramref name="modulePath"/>.</summary>
    public bool Provides(string name, string modulePath)
    {
        if (!_paths.TryGetValue(name, out var platformPath))
        {
            return false;
        }

        try
        {
            var platform = AssemblyName.GetAssemblyName(platformPath).Version;
            var module = AssemblyName.GetAssemblyName(modulePath).Version;
            if (platform is null || module is null || platform != module)
            {
                return platform is not null && module is not null && platform > module;
            }

            return FileVersion(platformPath) >= FileVersion(modulePath);
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static Version FileVersion(string path)
    {
        var info = FileVersionInfo.GetVersionInfo(path);
        return new Version(info.FileMajorPart, info.FileMinorPart, info.FileBuildPart, info.FilePrivatePart);
    }
}
