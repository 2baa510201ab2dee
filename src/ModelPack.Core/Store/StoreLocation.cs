using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ModelPack.Core.Store;

/// <summary>Where the local store lives: MODELPACK_STORE, else the platform's per-user data directory.</summary>
public static class StoreLocation
{
    public const string EnvironmentVariable = "MODELPACK_STORE";

    public static string Resolve(string? explicitRoot = null, Func<string, string?>? getEnvironment = null)
    {
        getEnvironment ??= Environment.GetEnvironmentVariable;
        if (!string.IsNullOrWhiteSpace(explicitRoot))
        {
            return Path.GetFullPath(explicitRoot);
        }

        var fromEnv = getEnvironment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
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
}
