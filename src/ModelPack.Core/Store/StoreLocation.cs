using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ModelPack.Core.Store;

/// <summary>Where the local store lives: MODELPACK_STORE, else the platform's per-user data directory.</summary>
public static class StoreLocation
{
    public const string EnvironmentVariable = "MODELPACK_STORE";

    /// <param name="explicitRoot">The store asked for (MODELPACK_STORE or the config file's <c>store</c>), else null.</param>
    /// <param name="getEnvironment">Environment variables (the process's by default).</param>
    /// <param name="baseDirectory">
    /// What a relative root is relative to: the caller's current directory. PowerShell's current location is
    /// not the process directory, so cmdlets pass theirs; null means the process directory.
    /// </param>
    public static string Resolve(string? explicitRoot = null, Func<string, string?>? getEnvironment = null, string? baseDirectory = null)
    {
        getEnvironment ??= Environment.GetEnvironmentVariable;
        if (!string.IsNullOrWhiteSpace(explicitRoot))
        {
            return FullPath(explicitRoot!, baseDirectory);
        }

        var fromEnv = getEnvironment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return FullPath(fromEnv!, baseDirectory);
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            var local = getEnvironment("LOCALAPPDATA");
            if (string.IsNullOrEmpty(local))
            {
                local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            }

            return Path.Combine(local!, "modelpack");
        }

        var xdg = getEnvironment("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "modelpack");
        }

        var home = getEnvironment("HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return Path.Combine(home!, ".local", "share", "modelpack");
    }

    private static string FullPath(string root, string? baseDirectory) =>
        Path.GetFullPath(baseDirectory is null || Path.IsPathRooted(root) ? root : Path.Combine(baseDirectory, root));
}
