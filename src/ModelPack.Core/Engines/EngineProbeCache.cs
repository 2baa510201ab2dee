using System;
using System.Collections.Concurrent;
using System.IO;
using System.Runtime.InteropServices;

namespace ModelPack.Core.Engines;

/// <summary>
/// Probe results per engine path, for the life of the process (one PowerShell session). An entry is
/// also dropped when the executable's size or modification time changes, so upgrading podman is
/// noticed without a refresh.
/// </summary>
public sealed class EngineProbeCache
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>The cache every <see cref="EngineProbe"/> shares unless given another.</summary>
    public static EngineProbeCache Session { get; } = new();

    public int Count => entries.Count;

    public void Clear() => entries.Clear();

    internal bool TryGet(string path, out EngineInfo info)
    {
        if (entries.TryGetValue(path, out var entry) && entry.Stamp == Stamp(path))
        {
            info = entry.Info;
            return true;
        }

        info = null!;
        return false;
    }

    internal void Store(string path, string stamp, EngineInfo info) => entries[path] = new Entry(stamp, info);

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
