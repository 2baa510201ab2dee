using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Errors;

namespace ModelPack.Core.PartialPulls;

/// <summary>The messages of partial pulls, in one place.</summary>
internal static class PartialErrors
{
    private const int MaxListed = 10;

    public static ModelPackException NoLayersSelected(string refName, LayerFilter filter, IEnumerable<string> paths)
    {
        var all = paths.ToList();
        var listed = string.Join(", ", all.Take(MaxListed).Select(p => $"'{p}'")) + (all.Count > MaxListed ? $" and {all.Count - MaxListed} more" : string.Empty);
        return new ModelPackException(
            ErrorIds.NoLayersSelected,
            ErrorKind.ObjectNotFound,
            $"No file of '{refName}' matches {filter}; nothing was downloaded. Its files are: {listed} (Get-ModelArtifact '{refName}' -Remote lists them with their sizes and kinds).",
            refName);
    }

    public static string PartialMount(string refName, int present, int total) =>
        $"'{refName}' is partial: the mount holds {present} of its {total} files (the others were not downloaded). Save-ModelArtifact '{refName}' without -Include, -Exclude or -Kind downloads the rest.";

    public static string NotDownloaded(string path) =>
        "not downloaded: a partial Save left this file out (Save-ModelArtifact without -Include, -Exclude or -Kind downloads it)";
}
