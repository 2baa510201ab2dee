using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace ModelPack.Core.Engines;

/// <summary>
/// Probe results per engine path and the environment variables that choose what that engine talks to
/// (DOCKER_HOST, DOCKER_CONTEXT, CONTAINER_HOST, CONTAINERS_STORAGE_CONF, ...), for the life of the process
/// (one PowerShell session): pointing docker at another daemon is noticed without a refresh. An entry is also
/// dropped when the executable's size or modification time changes, so upgrading podman is noticed too.
/// </summary>
public sealed class EngineProbeCache
{
    /// <summary>What decides which daemon or store an engine command reaches, besides its flags.</summary>
    private static readonly string[] SelectingVariables =
    {
        "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH",
        "CONTAINER_HOST", "CONTAINER_CONNECTION", "CONTAINER_SSHKEY", "CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "XDG_RUNTIME_DIR",
    };

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>The cache every <see cref="EngineProbe"/> shares unless given another.</summary>
    public static EngineProbeCache Session { get; } = new();

    public int Count => entries.Count;

    public void Clear() => entries.Clear();

    /// <summary>
    /// The cache key: the path (case-insensitive on Windows) and the values of the selecting variables, each from
    /// <paramref name="overrides"/> when it names it (the probe's own environment), else from the process.
    /// </summary>
    internal static string Key(string path, IReadOnlyDictionary<string, string?>? overrides)
    {
        var key = new StringBuilder(RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? path.ToUpperInvariant() : path);
        foreach (var name in SelectingVariables)
        {
            var value = overrides is not null && overrides.TryGetValue(name, out var given) ? given : Environment.GetEnvironmentVariable(name);
            key.Append('\0').Append(name).Append('=').Append(value ?? string.Empty);
        }

        return key.ToString();
    }

    internal bool TryGet(string key, string path, out EngineInfo info)
    {
        if (entries.TryGetValue(key, out var entry) && entry.Stamp == Stamp(path))
        {
            info = entry.Info;
            return true;
        }

        info = null!;
        return false;
    }

    internal void Store(string key, string stamp, EngineInfo info) => entries[key] = new Entry(stamp, info);

    /// <summary>Size and modification time of the executable; empty if unreadable.</summary>
    internal static string Stamp(string path)
    {
        try
        {
            var file = new FileInfo(path);
            return file.Exists ? file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "@" + file.LastWriteTimeUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private sealed class Entry
    {
        public Entry(string stamp, EngineInfo info)
        {
            Stamp = stamp;
            Info = info;
        }

        public string Stamp { get; }

        public EngineInfo Info { get; }
    }
}
