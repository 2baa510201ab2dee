using System;
using System.Collections.Generic;

namespace ModelPack.PowerShell.Tests.Support;

/// <summary>Reads a systemd/quadlet unit back into (section, key, value) entries, failing on any line that is not one.</summary>
public static class UnitFile
{
    public static List<(string Section, string Key, string Value)> Parse(string text)
    {
        var entries = new List<(string, string, string)>();
        string? section = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1];
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (section is null || equals <= 0)
            {
                throw new FormatException($"not a unit line: '{raw}'");
            }

            entries.Add((section, line[..equals], line[(equals + 1)..]));
        }

        return entries;
    }

    /// <summary>A mount option list (<c>type=bind,src=/x,destination=/y,ro</c>) as key/value pairs; flags get an empty value.</summary>
    public static Dictionary<string, string> MountOptions(string value)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            options.Add(equals < 0 ? part : part[..equals], equals < 0 ? string.Empty : part[(equals + 1)..]);
        }

        return options;
    }
}
