using System.Collections.Generic;

namespace ModelPack.Core.Store;

/// <summary>
/// TEMPORARY stand-in for <c>Spec/LayerPath</c> (branch spec-validation), with the same
/// <c>TryNormalize</c> signature. When merging, delete this file and make
/// <see cref="SnapshotTree.TryNormalize"/> call <c>LayerPath.TryNormalize</c>; nothing else refers to it.
/// </summary>
internal static class TemporaryLayerPath
{
    public static bool TryNormalize(string? path, out string normalized, out string error)
    {
        normalized = string.Empty;
        if (path is null || path.Trim().Length == 0)
        {
            error = "it is empty.";
            return false;
        }

        foreach (var c in path)
        {
            if (char.IsControl(c))
            {
                error = "it contains a control character.";
                return false;
            }
        }

        if (path[0] == '/' || path[0] == '\\')
        {
            error = "it is absolute, UNC or rooted.";
            return false;
        }

        if (path.IndexOf(':') >= 0)
        {
            error = "it contains ':' (a drive letter or alternate data stream on Windows).";
            return false;
        }

        var kept = new List<string>();
        foreach (var segment in path.Replace('\\', '/').Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment.Trim(' ', '.').Length == 0)
            {
                error = "it has a '..' (or dots-and-spaces) segment, which would climb out of the model directory.";
                return false;
            }

            kept.Add(segment);
        }

        if (kept.Count == 0)
        {
            error = "it names no file.";
            return false;
        }

        normalized = string.Join("/", kept);
        error = string.Empty;
        return true;
    }
}
