using System;
using System.Text;
using System.Text.Json;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Strategies;

/// <summary>
/// What <c>podman artifact inspect NAME</c> prints (podman 5.7 and 5.8): one JSON object,
/// <c>{"Manifest": {...}, "Name": "...", "Digest": "sha256:..."}</c>. The manifest is podman's re-serialisation, so its
/// bytes need not be the registry's, and Digest is the digest of podman's serialisation, which is not the registry's
/// when the registry's manifest bytes differ (pretty-printed JSON, other key order).
/// </summary>
internal sealed class PodmanArtifactInfo
{
    private PodmanArtifactInfo(string name, string digest, byte[] manifestJson)
    {
        Name = name;
        Digest = digest;
        ManifestJson = manifestJson;
    }

    public string Name { get; }

    /// <summary>The digest podman reports: that of its own serialisation of the manifest.</summary>
    public string Digest { get; }

    public byte[] ManifestJson { get; }

    /// <summary>Parses inspect output; null (with the reason) when it is not the object podman prints.</summary>
    public static PodmanArtifactInfo? TryParse(string stdout, out string problem)
    {
        problem = string.Empty;
        JsonDocument doc;
        try
        {
            doc = JsonText.Parse(stdout.Trim());
        }
        catch (JsonException ex)
        {
            problem = "it is not JSON: " + ex.Message;
            return null;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "it is not a JSON object";
                return null;
            }

            var name = JsonText.String(root, "Name");
            var digest = JsonText.String(root, "Digest");
            if (!root.TryGetProperty("Manifest", out var manifest) || manifest.ValueKind != JsonValueKind.Object)
            {
                problem = "it has no Manifest object";
                return null;
            }

            if (string.IsNullOrEmpty(name) || !Spec.Digest.TryParse(digest, out _))
            {
                problem = "it has no Name or no valid Digest";
                return null;
            }

            return new PodmanArtifactInfo(name!, digest!, Encoding.UTF8.GetBytes(manifest.GetRawText()));
        }
    }

    /// <summary>
    /// The Go template handed to <c>podman artifact ls --format</c>: one JSON object per artifact, since
    /// <c>--format json</c> prints the word "json". Its placeholders are the documented .Repository, .Tag and .Digest.
    /// </summary>
    public const string ListTemplate = "{\"Repository\":{{json .Repository}},\"Tag\":{{json .Tag}},\"Digest\":{{json .Digest}}}";

    /// <summary>
    /// One line of <c>podman artifact ls --format</c> with <see cref="ListTemplate"/>: repository, tag (empty for an
    /// artifact pulled by digest) and podman's digest ("sha256:" added); null for a blank line or one it cannot read.
    /// </summary>
    public static (string Repository, string Tag, string Digest)? ParseListLine(string line, out string problem)
    {
        problem = string.Empty;
        var trimmed = line.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }

        try
        {
            using var doc = JsonText.Parse(trimmed);
            var root = doc.RootElement;
            var repository = root.ValueKind == JsonValueKind.Object ? JsonText.String(root, "Repository") : null;
            var tag = root.ValueKind == JsonValueKind.Object ? JsonText.String(root, "Tag") : null;
            var digest = root.ValueKind == JsonValueKind.Object ? JsonText.String(root, "Digest") : null;
            if (string.IsNullOrEmpty(repository) || repository == "<none>" || string.IsNullOrEmpty(digest))
            {
                problem = "it names no repository or no digest";
                return null;
            }

            return (repository!, tag is null or "<none>" ? string.Empty : tag, digest!.IndexOf(':') >= 0 ? digest : "sha256:" + digest);
        }
        catch (JsonException ex)
        {
            problem = "it is not JSON: " + ex.Message;
            return null;
        }
    }

    public override string ToString() => Name + " " + Digest;

    internal static bool SaysDoesNotExist(string message) =>
        message.IndexOf("does not exist", StringComparison.OrdinalIgnoreCase) >= 0 ||
        message.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0 ||
        message.IndexOf("not known", StringComparison.OrdinalIgnoreCase) >= 0;
}
