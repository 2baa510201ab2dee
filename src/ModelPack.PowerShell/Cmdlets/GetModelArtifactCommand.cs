using System.Collections.Generic;
using System.Management.Automation;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;

namespace ModelPack.Cmdlets;

/// <summary>Lists ModelPack artifacts: from an OCI image layout (-Path).</summary>
[Cmdlet(VerbsCommon.Get, "ModelArtifact", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ModelArtifact))]
public sealed class GetModelArtifactCommand : ModelPackCmdlet
{
    private const string PathSet = "Path";

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Reference { get; set; }

    [Parameter(ParameterSetName = PathSet, Mandatory = true)]
    [Alias("LayoutPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    protected override void ProcessRecord()
    {
        var root = ResolveFileSystemPath(Path);
        OciLayout layout;
        try
        {
            layout = OciLayout.Open(root);
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex, root);
            return;
        }

        var patterns = WildcardsFor(Reference);
        var matched = new bool[patterns.Count];
        foreach (var entry in SafeEntries(layout, root))
        {
            var name = entry.RefName ?? entry.Descriptor.Digest;
            var hit = patterns.Count == 0;
            for (var i = 0; i < patterns.Count; i++)
            {
                if (patterns[i].IsMatch(name) || patterns[i].IsMatch(entry.Descriptor.Digest))
                {
                    matched[i] = true;
                    hit = true;
                }
            }

            if (!hit)
            {
                continue;
            }

            if (!entry.Manifest.IsModelArtifact)
            {
                WriteVerbose($"Skipping '{name}' ({entry.Descriptor.Digest}): not a ModelPack model (artifactType '{entry.Manifest.ArtifactType ?? "none"}', config '{entry.Manifest.Config?.MediaType ?? "none"}').");
                continue;
            }

            try
            {
                WriteObject(LayoutArtifacts.ToArtifact(layout, entry, name));
            }
            catch (ModelPackException ex)
            {
                WriteModelPackError(ex, name);
            }
        }

        ReportUnmatched(patterns, matched, Reference, root);
    }

    private IEnumerable<LayoutEntry> SafeEntries(OciLayout layout, string root)
    {
        IReadOnlyList<LayoutEntry> entries;
        try
        {
            entries = layout.ReadEntries();
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex, root);
            yield break;
        }

        foreach (var e in entries)
        {
            yield return e;
        }
    }

    private void ReportUnmatched(List<WildcardPattern> patterns, bool[] matched, string[]? references, string where)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            if (!matched[i] && !WildcardPattern.ContainsWildcardCharacters(references![i]))
            {
                WriteModelPackError(new ModelPackException(
                    ErrorIds.ModelArtifactNotFound,
                    ErrorKind.ObjectNotFound,
                    $"No model artifact '{references[i]}' in '{where}'.",
                    references[i]));
            }
        }
    }

    private static List<WildcardPattern> WildcardsFor(string[]? references)
    {
        var list = new List<WildcardPattern>();
        if (references is not null)
        {
            foreach (var r in references)
            {
                list.Add(WildcardPattern.Get(r, WildcardOptions.IgnoreCase));
            }
        }

        return list;
    }
}
