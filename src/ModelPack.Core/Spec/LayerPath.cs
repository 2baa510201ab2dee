using System;
using System.Collections.Generic;
using System.Text;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Spec;

/// <summary>
/// Checks and normalises a relative path that came from a registry (an <c>org.cncf.model.filepath</c>
/// annotation or a tar entry name) so that joining it under a snapshot directory can never leave it,
/// on Linux, macOS or Windows. The result uses '/' separators, has no empty or '.' segments and no
/// trailing '/'.
/// </summary>
public static class LayerPath
{
    /// <summary>
    /// The longest name (one segment) in UTF-8 bytes: NAME_MAX of ext4, XFS and btrfs (NTFS allows 255 UTF-16
    /// units, which is never fewer). A longer name cannot be created, so it is refused before any download.
    /// </summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>
    /// The longest relative path in UTF-8 bytes. Linux refuses paths over 4096 bytes (PATH_MAX), and a snapshot
    /// path also holds the store's root and the manifest digest, so a model's paths get half of that; real
    /// models stay far below (a 2,100-level path does not).
    /// </summary>
    public const int MaxPathBytes = 2048;

    // Windows opens these as devices in any directory ("models/NUL" writes to the null device), and
    // before Windows 11 also with an extension ("nul.txt"). Snapshots must be portable, so they are
    // refused everywhere.
    private static readonly HashSet<string> WindowsDeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "COM\u00B9", "COM\u00B2", "COM\u00B3",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
        "LPT\u00B9", "LPT\u00B2", "LPT\u00B3",
    };

    /// <summary>The normalised path, or throws <see cref="ModelPackException"/> (UnsafeLayerPath, SecurityError).</summary>
    public static string Normalize(string path)
    {
        if (TryNormalize(path, out var normalized, out var error))
        {
            return normalized;
        }

        throw SpecErrors.UnsafeLayerPath(path, error);
    }

    /// <summary>
    /// Normalises <paramref name="path"/>, or says why it is unsafe. Refused: empty or whitespace,
    /// control characters, Unicode format characters (bidi overrides such as U+202E, zero-width
    /// characters: they make a name display as another), invalid UTF-16, absolute, UNC and device paths,
    /// any ':' (drive letters, NTFS alternate streams), any '..' segment, segments of only dots and spaces
    /// (Windows trims them to '..' or nothing), Windows device names, names over <see cref="MaxSegmentBytes"/>
    /// and paths over <see cref="MaxPathBytes"/> (no file system creates them), and paths that are empty once
    /// '.' is dropped.
    /// </summary>
    public static bool TryNormalize(string? path, out string normalized, out string error)
    {
        normalized = string.Empty;
        error = FindProblem(path) ?? string.Empty;
        if (error.Length > 0)
        {
            return false;
        }

        var kept = new List<string>();
        foreach (var segment in path!.Replace('\\', '/').Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (IsDotsAndSpaces(segment))
            {
                error = segment.Trim() == ".."
                    ? "it has a '..' segment, which would climb out of the model directory."
                    : $"segment {DisplayText.Quote(segment)} is only dots and spaces, which Windows trims to '.', '..' or nothing.";
                return false;
            }

            if (WindowsDeviceNames.Contains(BaseName(segment)))
            {
                error = $"segment {DisplayText.Quote(segment)} is a Windows device name.";
                return false;
            }

            var segmentBytes = Encoding.UTF8.GetByteCount(segment);
            if (segmentBytes > MaxSegmentBytes)
            {
                error = $"segment {DisplayText.Quote(segment)} has {segmentBytes} bytes, more than the {MaxSegmentBytes} a file name may have.";
                return false;
            }

            kept.Add(segment);
        }

        if (kept.Count == 0)
        {
            error = "it names no file (nothing is left once '.' segments and separators are removed).";
            return false;
        }

        normalized = string.Join("/", kept);
        var pathBytes = Encoding.UTF8.GetByteCount(normalized);
        if (pathBytes > MaxPathBytes)
        {
            error = $"it has {pathBytes} bytes in {kept.Count} segments, more than the {MaxPathBytes} a model's file path may have.";
            normalized = string.Empty;
            return false;
        }

        return true;
    }

    /// <summary>Problems visible on the whole string, before it is split into segments.</summary>
    private static string? FindProblem(string? path)
    {
        if (path is null || path.Length == 0)
        {
            return "it is empty.";
        }

        if (path.Trim().Length == 0)
        {
            return "it is only whitespace.";
        }

        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '\0')
            {
                return $"it contains a NUL character at position {i}.";
            }

            if (char.IsControl(c))
            {
                return $"it contains the control character U+{(int)c:X4} at position {i}.";
            }

            if (DisplayText.IsFormatCharacter(path, i))
            {
                return $"it contains the invisible format character U+{char.ConvertToUtf32(path, i):X4} at position {i} (such as a right-to-left override), which makes a name display as another.";
            }

            if (char.IsHighSurrogate(c) && i + 1 < path.Length && char.IsLowSurrogate(path[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"it contains an unpaired UTF-16 surrogate at position {i}.";
            }
        }

        var first = path[0];
        if (first == '/' || first == '\\')
        {
            var second = path.Length > 1 ? path[1] : '\0';
            return second == '/' || second == '\\'
                ? "it is a UNC or device path (starts with two separators)."
                : "it is absolute (starts with a separator).";
        }

        var colon = path.IndexOf(':');
        if (colon >= 0)
        {
            return colon == 1 && IsAsciiLetter(first)
                ? "it starts with a drive letter, which is absolute or drive-relative on Windows."
                : "it contains ':', which is a drive or alternate data stream separator on Windows.";
        }

        return null;
    }

    private static bool IsDotsAndSpaces(string segment)
    {
        foreach (var c in segment)
        {
            if (c != '.' && c != ' ')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The part Windows matches against device names: before the first '.', trailing spaces trimmed.</summary>
    private static string BaseName(string segment)
    {
        var dot = segment.IndexOf('.');
        return (dot < 0 ? segment : segment.Substring(0, dot)).TrimEnd(' ');
    }

    private static bool IsAsciiLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
