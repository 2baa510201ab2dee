using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using ModelPack.Core.Errors;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>Packs a folder of model files into a ModelPack artifact in the local store (no network).</summary>
[Cmdlet(VerbsCommon.New, "ModelArtifact", SupportsShouldProcess = true)]
[OutputType(typeof(ModelArtifact))]
public sealed class NewModelArtifactCommand : StoreCmdlet
{
    private const string Action = "Pack model artifact";
    private const int MaxListedLayers = 50;

    /// <summary>The folder holding the model's files; binds the FullName of piped folders (Get-Item).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The reference to tag the artifact as in the store (and to publish it to later).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Family { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Version { get; set; }

    /// <summary>config.format (gguf, safetensors, onnx...); inferred from the weight files when not given.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Format { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ParamSize { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Precision { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Quantization { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Architecture { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? License { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Author { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Description { get; set; }

    /// <summary>descriptor.createdAt; not written unless given, so packs stay reproducible.</summary>
    [Parameter]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A ModelPack config JSON to start from; parameters win over its values.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Include { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Exclude { get; set; }

    /// <summary>Files or folders (relative to -Path, or full paths inside it) that are datasets.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Dataset { get; set; }

    /// <summary>Path pattern to kind (Weight, WeightConfig, Doc, Code, Dataset), for files the built-in rules get wrong.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? KindOverride { get; set; }

    /// <summary>How every kind but weights is packed (weights are always raw).</summary>
    [Parameter]
    public LayerPacking Packing { get; set; } = LayerPacking.Raw;

    [Parameter]
    public UnclassifiedFileHandling Unclassified { get; set; } = UnclassifiedFileHandling.Doc;

    [Parameter]
    public SwitchParameter IncludeHidden { get; set; }

    [Parameter]
    public SwitchParameter FollowLinksOutside { get; set; }

    /// <summary>Replace the artifact the reference already names in the store.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var source = ResolveFileSystemPath(Path);
        var reference = ParseReferenceOrWriteError(Reference);
        if (reference is null)
        {
            return;
        }

        var request = BuildRequest(source, reference);
        PackPlan plan;
        try
        {
            plan = ModelPacker.Plan(request);
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, source);
            return;
        }

        if (!Force && ExistingStore()?.Find(reference) is ModelArtifact existing)
        {
            WriteError(new ErrorRecord(
                CmdletErrors.AlreadyExists(reference.ToString(), existing),
                ErrorIds.ModelArtifactExists,
                ErrorCategory.ResourceExists,
                reference.ToString()));
            return;
        }

        var description = Describe(plan, reference);
        if (!ShouldProcess(description, description, Action))
        {
            return;
        }

        if (plan.Unclassified.Count > 0)
        {
            WriteWarning($"No rule says what kind of file {(plan.Unclassified.Count == 1 ? "this is" : "these are")}, so {(plan.Unclassified.Count == 1 ? "it is" : "they are")} packed as doc (marked org.cncf.model.file.mediatype.untested): " +
                string.Join(", ", plan.Unclassified.Take(20)) + (plan.Unclassified.Count > 20 ? $" and {plan.Unclassified.Count - 20} more" : string.Empty) +
                $". Give {(plan.Unclassified.Count == 1 ? "it" : "them")} a kind with -KindOverride, or use -Unclassified Error or Skip.");
        }

        Attempt(source, CmdletErrors.PackFailed(reference.ToString(), source, StoreRoot), () =>
        {
            var store = OpenStore();
            var result = Pack(request, store, reference.ToString());
            if (result.PreviousDigest is string previous && previous != result.Artifact.Digest)
            {
                CollectReplaced(store, previous);
            }

            // Core's log already said what was packed or that nothing changed; add what was read.
            WriteVerbose(string.Format(CultureInfo.CurrentCulture, "Read {0:N0} bytes from '{1}'.", result.BytesRead, source));
            WriteObject(result.Artifact);
        });
    }

    private PackRequest BuildRequest(string source, ModelReference reference)
    {
        var request = new PackRequest(source, reference)
        {
            UnclassifiedFiles = Unclassified,
            IncludeHidden = IncludeHidden,
            FollowLinksOutside = FollowLinksOutside,
            ConfigPath = ConfigPath is null ? null : ResolveFileSystemPath(ConfigPath),
        };
        request.UsePacking(Packing);
        AddAll(request.Include, Include);
        AddAll(request.Exclude, Exclude);
        foreach (var dataset in Dataset ?? Array.Empty<string>())
        {
            request.Datasets.Add(DatasetPath(source, dataset));
        }

        foreach (DictionaryEntry entry in KindOverride ?? new Hashtable())
        {
            request.KindOverrides[PatternOf(entry.Key)] = KindOf(entry.Key, entry.Value);
        }

        var config = request.Config;
        config.Name = Name;
        config.Family = Family;
        config.Version = Version;
        config.Format = Format;
        config.ParamSize = ParamSize;
        config.Precision = Precision;
        config.Quantization = Quantization;
        config.Architecture = Architecture;
        config.Description = Description;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(CreatedAt)))
        {
            config.CreatedAt = CreatedAt;
        }

        AddAll(config.Licenses, License);
        AddAll(config.Authors, Author);
        return request;
    }

    private static void AddAll(System.Collections.Generic.IList<string> target, string[]? values)
    {
        foreach (var value in values ?? Array.Empty<string>())
        {
            target.Add(value);
        }
    }

    /// <summary>
    /// A -Dataset value as the model-relative path packing expects: relative values are taken as given
    /// (relative to -Path); full paths must lie inside -Path.
    /// </summary>
    private string DatasetPath(string source, string value)
    {
        if (!System.IO.Path.IsPathRooted(value) && !value.StartsWith("~", StringComparison.Ordinal) && value.IndexOf("::", StringComparison.Ordinal) < 0)
        {
            return value;
        }

        var full = System.IO.Path.GetFullPath(ResolveFileSystemPath(value)).TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar);
        var root = source.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar) + System.IO.Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            ThrowModelPackError(CmdletErrors.DatasetOutside(value, source));
        }

        return full.Substring(root.Length).Replace('\\', '/');
    }

    private string PatternOf(object key)
    {
        var pattern = LanguagePrimitives.ConvertTo<string>(key);
        if (string.IsNullOrWhiteSpace(pattern))
        {
            ThrowModelPackError(CmdletErrors.EmptyKindPattern(key));
        }

        return pattern;
    }

    /// <summary>A kind from an enum value or its name (Weight, WeightConfig...), also as the media type spells it (weight.config).</summary>
    private LayerKind KindOf(object key, object? value)
    {
        var raw = value is PSObject ps ? ps.BaseObject : value;
        if (raw is LayerKind kind)
        {
            return kind;
        }

        var text = (raw?.ToString() ?? string.Empty).Replace(".", string.Empty).Replace("-", string.Empty).Replace("_", string.Empty).Trim();
        if (text.Length > 0 && !char.IsDigit(text[0]) && Enum.TryParse<LayerKind>(text, ignoreCase: true, out var parsed))
        {
            return parsed;
        }

        ThrowModelPackError(CmdletErrors.UnknownKind(key, raw));
        return default;
    }

    /// <summary>The -WhatIf and -Confirm text: what would be packed, as which kind and packing.</summary>
    private static string Describe(PackPlan plan, ModelReference reference)
    {
        var files = plan.Files.Count;
        var text = new StringBuilder();
        text.AppendFormat(
            CultureInfo.CurrentCulture,
            "Pack {0} file{1} ({2}) from '{3}' into '{4}' as {5} layer{6}",
            files,
            files == 1 ? string.Empty : "s",
            ProgressText.Size(plan.SourceSize),
            plan.SourcePath,
            reference,
            plan.Layers.Count,
            plan.Layers.Count == 1 ? string.Empty : "s");
        if (plan.InferredFormat is not null)
        {
            text.Append(" (format inferred: ").Append(plan.InferredFormat).Append(')');
        }

        text.Append(':');
        foreach (var layer in plan.Layers.Take(MaxListedLayers))
        {
            text.AppendLine();
            text.AppendFormat(CultureInfo.CurrentCulture, "  {0,-12} {1,-7} {2,10}  {3}", layer.Kind, layer.Packing, ProgressText.Size(layer.SourceSize), layer.Path);
            if (layer.IsDirectory)
            {
                text.AppendFormat(CultureInfo.CurrentCulture, "/ ({0} files)", layer.Files.Count);
            }

            if (layer.Untested)
            {
                text.Append(" (unclassified)");
            }
        }

        if (plan.Layers.Count > MaxListedLayers)
        {
            text.AppendLine().AppendFormat(CultureInfo.CurrentCulture, "  ... and {0} more layers", plan.Layers.Count - MaxListedLayers);
        }

        if (plan.Skipped.Count > 0)
        {
            text.AppendLine().Append("  left out: ").Append(string.Join("; ", plan.Skipped.Take(10).Select(s => $"{s.Key}: {s.Value}")));
            if (plan.Skipped.Count > 10)
            {
                text.AppendFormat(CultureInfo.CurrentCulture, " and {0} more", plan.Skipped.Count - 10);
            }
        }

        return text.ToString();
    }

    private PackResult Pack(PackRequest request, ModelStore store, string reference)
    {
        var progress = new PackProgressWriter(reference, NextActivityId, WriteProgress);
        var report = Posting(progress);
        request.Log = PostVerbose;
        return RunWithProgress(progress, token => ModelPacker.PackAsync(request, store, report, token));
    }

    /// <summary>Deletes what only the artifact this pack replaced used (other tags keep theirs).</summary>
    private void CollectReplaced(ModelStore store, string previous)
    {
        try
        {
            store.CollectGarbage();
            WriteVerbose($"Replaced {previous}; blobs and snapshots nothing else uses were deleted.");
        }
        catch (ModelPackException ex)
        {
            WriteVerbose($"Replaced {previous}, but its blobs could not be collected yet ({ex.Message}); the next Remove-ModelArtifact collects them.");
        }
    }
}
