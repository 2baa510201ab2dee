using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Tomlyn;

namespace ModelPack.Core.Registry;

/// <summary>
/// The short-name aliases podman records after a user picks a candidate at its prompt
/// (containers-registries.conf(5), "Short-Name Aliasing: Modes"): <c>$XDG_CACHE_HOME/containers/short-name-aliases.conf</c>
/// (<c>~/.cache/containers/...</c> without XDG_CACHE_HOME), <c>/var/cache/containers/short-name-aliases.conf</c> for
/// root. Its <c>[aliases]</c> table takes precedence over the aliases of registries.conf. The module reads it and, after
/// a prompted choice led to a successful pull, adds to it as podman does.
/// </summary>
internal static class ShortNameAliasCache
{
    private const string RelativePath = "containers/short-name-aliases.conf";
    private const string RootPath = "/var/cache/containers/short-name-aliases.conf";

    /// <summary>The cache file for this environment; null when there is no home to put it in.</summary>
    public static string? Locate(RegistryEnvironment environment)
    {
        if (environment.IsProcessEnvironment && IsRoot())
        {
            return RootPath;
        }

        var cacheHome = environment.GetVariable("XDG_CACHE_HOME")
            ?? (environment.HomeDirectory is string home ? Path.Combine(home, ".cache") : null);
        return cacheHome is null ? null : Path.Combine(cacheHome, RelativePath.Replace('/', Path.DirectorySeparatorChar));
    }

    /// <summary>The aliases the cache holds (none when it does not exist).</summary>
    /// <exception cref="Errors.ModelPackException">InvalidConfiguration: the file is not valid TOML.</exception>
    public static IReadOnlyDictionary<string, string> Read(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return new Dictionary<string, string>();
        }

        var document = RegistriesConfReader.Read(File.ReadAllText(path), path);
        return document.Aliases ?? new Dictionary<string, string>();
    }

    /// <summary>
    /// Adds (or replaces) one alias, keeping the others: the file is written whole to a temporary name and renamed
    /// over the old one, so a reader never sees half of it. podman also locks the file; two processes recording at
    /// the same moment may lose one of the two aliases, which only means being asked again.
    /// </summary>
    public static void Record(string path, string name, string value)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Read(path))
        {
            aliases[pair.Key] = pair.Value;
        }

        aliases[name] = value;
        var text = "# Short-name aliases recorded by ModelPack (as podman records them); containers-registries.conf(5).\n" +
            TomlSerializer.Serialize(new Document { Aliases = aliases });
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, text);
        try
        {
            if (File.Exists(path))
            {
                File.Replace(temp, path, null);
            }
            else
            {
                File.Move(temp, path);
            }
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static bool IsRoot()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return false;
        }

        try
        {
            return geteuid() == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();

    private sealed class Document
    {
        [JsonPropertyName("aliases")]
        public Dictionary<string, string> Aliases { get; set; } = new();
    }
}
