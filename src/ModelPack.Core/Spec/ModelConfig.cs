using System;
using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using System.Text.Json;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Spec;

/// <summary>
/// The ModelPack config blob (<c>application/vnd.cncf.model.config.v1+json</c>). Parsing is
/// tolerant (wrong types read as absent) and keeps the original bytes; the validator judges.
/// </summary>
public sealed class ModelConfig
{
    private byte[]? _bytes;

    public ModelDescriptor Descriptor { get; set; } = new();

    public ModelSettings Config { get; set; } = new();

    public ModelFs ModelFs { get; set; } = new();

    /// <summary>sha256 of the bytes this config was parsed from, or of its canonical form.</summary>
    public string Digest => Spec.Digest.Sha256(ToBytes()).ToString();

    /// <summary>What a listing needs: "llama 3.1 (llama): gguf, 8b parameters, bf16, q4_0".</summary>
    public override string ToString() => $"{Descriptor}: {Config}";

    /// <summary>
    /// The largest config blob that is read: a config is a few kilobytes of JSON, and it is read into memory, so
    /// a descriptor that claims more is refused before anything is downloaded or read (the limit manifests have).
    /// </summary>
    public const long MaxSize = 4 * 1024 * 1024;

    /// <summary>Parses tolerantly; throws <see cref="ModelSpecException"/> for bytes that are not a JSON object or hold undecodable strings.</summary>
    public static ModelConfig Parse(byte[] bytes) => Parse(bytes, "config", null);

    /// <param name="bytes">The config blob.</param>
    /// <param name="subject">What the config is, for the message ("The config of 'x'").</param>
    /// <param name="target">The offending value for an ErrorRecord (the reference), or null for the subject.</param>
    internal static ModelConfig Parse(byte[] bytes, string subject, object? target)
    {
        if (bytes is null)
        {
            throw new ArgumentNullException(nameof(bytes));
        }

        using var doc = ManifestJson.ParseObject(bytes, subject, target);
        var root = doc.RootElement;
        var result = new ModelConfig { _bytes = (byte[])bytes.Clone() };
        if (JsonText.Object(root, "descriptor") is JsonElement d)
        {
            result.Descriptor = ReadDescriptor(d);
        }

        if (JsonText.Object(root, "config") is JsonElement c)
        {
            result.Config = ReadSettings(c);
        }

        if (JsonText.Object(root, "modelfs") is JsonElement fs)
        {
            result.ModelFs = new ModelFs
            {
                Type = JsonText.String(fs, "type") ?? string.Empty,
                DiffIds = JsonText.Strings(fs, "diffIds") ?? new List<string>(),
            };
        }

        return result;
    }

    private static ModelDescriptor ReadDescriptor(JsonElement d) => new()
    {
        CreatedAt = JsonText.Date(d, "createdAt"),
        Authors = JsonText.Strings(d, "authors") ?? new List<string>(),
        Family = JsonText.String(d, "family"),
        Name = JsonText.String(d, "name"),
        DocUrl = JsonText.String(d, "docURL"),
        SourceUrl = JsonText.String(d, "sourceURL"),
        DatasetsUrl = JsonText.Strings(d, "datasetsURL") ?? new List<string>(),
        Version = JsonText.String(d, "version"),
        Revision = JsonText.String(d, "revision"),
        Vendor = JsonText.String(d, "vendor"),
        Licenses = JsonText.Strings(d, "licenses") ?? new List<string>(),
        Title = JsonText.String(d, "title"),
        Description = JsonText.String(d, "description"),
    };

    private static ModelSettings ReadSettings(JsonElement c) => new()
    {
        Architecture = JsonText.String(c, "architecture"),
        Format = JsonText.String(c, "format"),
        ParamSize = JsonText.String(c, "paramSize"),
        Precision = JsonText.String(c, "precision"),
        Quantization = JsonText.String(c, "quantization"),
        Capabilities = JsonText.Object(c, "capabilities") is JsonElement cap ? ReadCapabilities(cap) : null,
    };

    private static ModelCapabilities ReadCapabilities(JsonElement cap) => new()
    {
        InputTypes = JsonText.Strings(cap, "inputTypes") ?? new List<string>(),
        OutputTypes = JsonText.Strings(cap, "outputTypes") ?? new List<string>(),
        KnowledgeCutoff = JsonText.Date(cap, "knowledgeCutoff"),
        Reasoning = JsonText.Boolean(cap, "reasoning"),
        ToolUsage = JsonText.Boolean(cap, "toolUsage"),
        Reward = JsonText.Boolean(cap, "reward"),
        Languages = JsonText.Strings(cap, "languages") ?? new List<string>(),
    };

    /// <summary>
    /// Every way this config breaks the ModelPack config schema; empty when it conforms. Checks
    /// <see cref="ToBytes"/>, the bytes that would be stored or pushed.
    /// </summary>
    public IReadOnlyList<SpecViolation> Validate() => ConfigValidator.Validate(ToBytes());

    /// <summary>Throws <see cref="ModelSpecException"/> listing every violation, if there are any.</summary>
    /// <param name="subject">What the config is, for the message (e.g. the artifact's reference).</param>
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
    /// Throws ConfigTooLarge (InvalidData) when <paramref name="config"/> declares more than <see cref="MaxSize"/>
    /// bytes: the check every reader of a config blob makes before it downloads or reads it.
    /// </summary>
    public static void EnsureReadable(Descriptor config, string subject, object? target)
    {
        if (config is null)
        {
            throw new ArgumentNullException(nameof(config));
        }

        if (config.Size > MaxSize)
        {
            throw SpecErrors.ConfigTooLarge(subject, config, MaxSize, target);
        }
    }

    /// <summary>The parsed bytes if this config was parsed and not changed since; otherwise the canonical form.</summary>
    public byte[] ToBytes() => (byte[])(_bytes ?? ToCanonicalBytes()).Clone();

    /// <summary>Forget the parsed bytes after editing, so <see cref="ToBytes"/> serialises the edits.</summary>
    public void MarkChanged() => _bytes = null;

    /// <summary>Canonical serialisation: the spec's field order, empty values omitted.</summary>
    public byte[] ToCanonicalBytes() => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("descriptor");
        var d = Descriptor;
        JsonText.WriteIfSet(w, "createdAt", d.CreatedAt);
        JsonText.WriteStrings(w, "authors", d.Authors.ToList());
        JsonText.WriteIfSet(w, "family", d.Family);
        JsonText.WriteIfSet(w, "name", d.Name);
        JsonText.WriteIfSet(w, "docURL", d.DocUrl);
        JsonText.WriteIfSet(w, "sourceURL", d.SourceUrl);
        JsonText.WriteStrings(w, "datasetsURL", d.DatasetsUrl.ToList());
        JsonText.WriteIfSet(w, "version", d.Version);
        JsonText.WriteIfSet(w, "revision", d.Revision);
        JsonText.WriteIfSet(w, "vendor", d.Vendor);
        JsonText.WriteStrings(w, "licenses", d.Licenses.ToList());
        JsonText.WriteIfSet(w, "title", d.Title);
        JsonText.WriteIfSet(w, "description", d.Description);
        w.WriteEndObject();

        w.WriteStartObject("modelfs");
        w.WriteString("type", ModelFs.Type);
        w.WriteStartArray("diffIds");
        foreach (var id in ModelFs.DiffIds)
        {
            w.WriteStringValue(id);
        }

        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("config");
        var c = Config;
        JsonText.WriteIfSet(w, "architecture", c.Architecture);
        JsonText.WriteIfSet(w, "format", c.Format);
        JsonText.WriteIfSet(w, "paramSize", c.ParamSize);
        JsonText.WriteIfSet(w, "precision", c.Precision);
        JsonText.WriteIfSet(w, "quantization", c.Quantization);
        if (c.Capabilities is ModelCapabilities cap)
        {
            w.WriteStartObject("capabilities");
            JsonText.WriteStrings(w, "inputTypes", cap.InputTypes.ToList());
            JsonText.WriteStrings(w, "outputTypes", cap.OutputTypes.ToList());
            JsonText.WriteIfSet(w, "knowledgeCutoff", cap.KnowledgeCutoff);
            JsonText.WriteIfSet(w, "reasoning", cap.Reasoning);
            JsonText.WriteIfSet(w, "toolUsage", cap.ToolUsage);
            JsonText.WriteIfSet(w, "reward", cap.Reward);
            JsonText.WriteStrings(w, "languages", cap.Languages.ToList());
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>The descriptor a manifest uses to point at this config.</summary>
    public Descriptor ToDescriptor()
    {
        var bytes = ToBytes();
        return new Descriptor(MediaTypes.ModelConfig, Spec.Digest.Sha256(bytes).ToString(), bytes.LongLength);
    }
}
