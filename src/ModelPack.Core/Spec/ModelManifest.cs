using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelPack.Core.Spec;

/// <summary>
/// An OCI image manifest, typically a ModelPack one. Parsing keeps the original bytes, so the
/// digest and re-serialisation stay exact; <see cref="Create"/> writes new manifests canonically.
/// </summary>
public sealed class ModelManifest
{
    private readonly byte[] _bytes;

    /// <summary>The manifest of <paramref name="bytes"/>; its descriptors and annotations are set by the initializer.</summary>
    private ModelManifest(byte[] bytes, int schemaVersion, string mediaType, string? artifactType)
    {
        _bytes = bytes;
        SchemaVersion = schemaVersion;
        MediaType = mediaType;
        ArtifactType = artifactType;
        Digest = Spec.Digest.Sha256(bytes).ToString();
    }

    public int SchemaVersion { get; }

    public string MediaType { get; }

    public string? ArtifactType { get; }

    public Descriptor? Config { get; private set; }

    public IReadOnlyList<Descriptor> Layers { get; private set; } = Array.Empty<Descriptor>();

    public IReadOnlyDictionary<string, string> Annotations { get; private set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public Descriptor? Subject { get; private set; }

    /// <summary>sha256 of the exact bytes this manifest was parsed from or serialised to.</summary>
    public string Digest { get; }

    public long Size => _bytes.LongLength;

    /// <summary>
    /// True when the manifest is a model the module reads: it declares itself a ModelPack model (artifactType or config
    /// media type, current or earlier name), or it is a <c>podman artifact add</c> artifact (<see cref="IsTitledArtifact"/>).
    /// </summary>
    public bool IsModelArtifact =>
        MediaTypes.IsModelArtifactType(ArtifactType) || MediaTypes.IsModelConfig(Config?.MediaType) || IsTitledArtifact;

    /// <summary>
    /// An artifact of files with an empty config and no artifactType, each layer named by its
    /// <c>org.opencontainers.image.title</c>: what <c>podman artifact add</c> writes without <c>--type</c> (podman
    /// docs/source/markdown/podman-artifact-add.1.md). Read as a model with no config; it does not conform to the
    /// ModelPack spec. One that declares another artifactType (text/plain, a signature, an SBOM) says it is no model.
    /// </summary>
    public bool IsTitledArtifact =>
        string.IsNullOrEmpty(ArtifactType) &&
        string.Equals(Config?.MediaType, MediaTypes.OciEmpty, StringComparison.Ordinal) &&
        Layers.Count > 0 && Layers.All(l => !string.IsNullOrEmpty(l.Title) || !string.IsNullOrEmpty(l.Filepath));

    /// <summary>The descriptor that points at this manifest.</summary>
    public Descriptor ToDescriptor(IReadOnlyDictionary<string, string>? annotations = null) =>
        new(string.IsNullOrEmpty(MediaType) ? MediaTypes.OciManifest : MediaType, Digest, Size, annotations) { ArtifactType = ArtifactType };

    /// <summary>A copy of the exact bytes.</summary>
    public byte[] ToBytes() => (byte[])_bytes.Clone();

    internal byte[] RawBytes => _bytes;

    /// <summary>Every way the exact bytes of this manifest break the ModelPack spec; empty when it conforms.</summary>
    public IReadOnlyList<SpecViolation> Validate() => ManifestValidator.Validate(_bytes);

    /// <summary>
    /// Throws <see cref="ModelSpecException"/> listing the violations that stop the artifact being used (not those that are
    /// only names the current spec does not use: <see cref="SpecViolation.NamingOnly"/>), if there are any. What pulls check.
    /// </summary>
    /// <param name="subject">What it is, for the message.</param>
    /// <param name="target">The offending value for an ErrorRecord (the reference).</param>
    public void ThrowIfUnusable(string subject, object? target)
    {
        var violations = UsabilityViolations();
        if (violations.Count > 0)
        {
            throw new ModelSpecException(subject, violations, target);
        }
    }

    /// <summary>The violations that stop the artifact being used: <see cref="Validate"/> without the naming-only ones.</summary>
    public IReadOnlyList<SpecViolation> UsabilityViolations() => Validate().Where(v => !v.NamingOnly).ToList();

    /// <summary>Throws <see cref="ModelSpecException"/> listing every violation, if there are any.</summary>
    /// <param name="subject">What the manifest is, for the message (e.g. its reference).</param>
    public void ThrowIfInvalid(string subject) => ThrowIfInvalid(subject, null);

    /// <param name="subject">What it is, for the message.</param>
    /// <param name="target">The offending value for an ErrorRecord (the reference); the subject when null.</param>
    public void ThrowIfInvalid(string subject, object? target)
    {
        var violations = Validate();
        if (violations.Count > 0)
        {
            throw new ModelSpecException(subject, violations, target);
        }
    }

    /// <summary>
    /// Parses a manifest tolerantly (wrong types read as absent; <see cref="Validate"/> reports them), but
    /// refuses with <see cref="ModelSpecException"/> what cannot be used at all: bytes that are not a JSON
    /// object, strings that cannot be decoded, and sizes that add up past 2^63-1.
    /// </summary>
    public static ModelManifest Parse(byte[] bytes) => Parse(bytes, "manifest", null);

    /// <param name="bytes">The manifest's exact bytes.</param>
    /// <param name="subject">What the manifest is, for the message ("The manifest of 'x'").</param>
    /// <param name="target">The offending value for an ErrorRecord (the reference), or null for the subject.</param>
    internal static ModelManifest Parse(byte[] bytes, string subject, object? target)
    {
        if (bytes is null)
        {
            throw new ArgumentNullException(nameof(bytes));
        }

        using var doc = ManifestJson.ParseObject(bytes, subject, target);
        var root = doc.RootElement;
        var sizeProblems = new List<SpecViolation>();
        ArtifactSizes.Check(root, bytes.LongLength, sizeProblems);
        if (sizeProblems.Count > 0)
        {
            throw new ModelSpecException(subject, sizeProblems, target);
        }

        Descriptor? config = JsonText.Object(root, "config") is { } c ? ManifestJson.ReadDescriptor(c) : null;
        Descriptor? subjectDescriptor = JsonText.Object(root, "subject") is { } s ? ManifestJson.ReadDescriptor(s) : null;
        return new ModelManifest(
            (byte[])bytes.Clone(),
            (int)(JsonText.Int64(root, "schemaVersion") ?? 0),
            JsonText.String(root, "mediaType") ?? string.Empty,
            JsonText.String(root, "artifactType"))
        {
            Config = config,
            Layers = ManifestJson.ReadDescriptors(root, "layers"),
            Annotations = JsonText.StringMap(root, "annotations") ?? new Dictionary<string, string>(StringComparer.Ordinal),
            Subject = subjectDescriptor,
        };
    }

    /// <summary>A new ModelPack manifest, serialised canonically (fixed field order, sorted annotations).</summary>
    public static ModelManifest Create(Descriptor config, IEnumerable<Descriptor> layers, IReadOnlyDictionary<string, string>? annotations = null, Descriptor? subject = null)
    {
        if (config is null)
        {
            throw new ArgumentNullException(nameof(config));
        }

        var layerList = layers.ToList();
        var sortedAnnotations = Descriptor.Sorted(annotations);
        var bytes = JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", MediaTypes.OciManifest);
            w.WriteString("artifactType", MediaTypes.ModelArtifact);
            w.WritePropertyName("config");
            ManifestJson.WriteDescriptor(w, config);
            w.WriteStartArray("layers");
            foreach (var layer in layerList)
            {
                ManifestJson.WriteDescriptor(w, layer);
            }

            w.WriteEndArray();
            if (subject is not null)
            {
                w.WritePropertyName("subject");
                ManifestJson.WriteDescriptor(w, subject);
            }

            JsonText.WriteStringMap(w, "annotations", sortedAnnotations);
            w.WriteEndObject();
        });
        return new ModelManifest(bytes, 2, MediaTypes.OciManifest, MediaTypes.ModelArtifact)
        {
            Config = config,
            Layers = layerList,
            Annotations = sortedAnnotations,
            Subject = subject,
        };
    }

    public override string ToString() => $"{Digest} ({Layers.Count} layers)";
}
