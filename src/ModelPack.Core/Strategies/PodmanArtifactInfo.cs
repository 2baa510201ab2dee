using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Strategies;

/// <summary>
/// What <c>podman artifact inspect</c> prints, read tolerantly: podman 5.7 prints one JSON object
/// (<c>{"Manifest": {...}, "Name": "...", "Digest": "sha256:..."}</c>, newer ones add TotalSizeBytes and an
/// Artifact object), later releases an array of such objects. The manifest is podman's re-serialisation,
/// so its bytes are not the registry's and the digest podman reports is the one to use.
/// </summary>
internal sealed class PodmanArtifactInfo
{
    private PodmanArtifactInfo(string name, string digest, byte[] manifestJson, long? totalSize)
    {
        Name = name;
        Digest = digest;
        ManifestJson = manifestJson;
        TotalSize = totalSize;
    }

    public string Name { get; }

    public string Digest { get; }

    public byte[] ManifestJson { get; }

    public long? TotalSize { get; }

    /// <summary>Parses inspect output; null (with the reason) when it is not the shape podman documents.</summary>
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
            if (root.ValueKind == JsonValueKind.Array)
            {
                if (root.GetArrayLength() != 1)
                {
                    problem = $"it lists {root.GetArrayLength()} artifacts, not one";
                    return null;
                }

                root = root[0];
            }

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

            return new PodmanArtifactInfo(name!, digest!, Encoding.UTF8.GetBytes(manifest.GetRawText()), JsonText.Int64(root, "TotalSizeBytes"));
        }
    }

    /// <summary>One line of <c>podman artifact ls --format</c> with <see cref="ListTemplate"/>: the artifact's name, or null for a blank line.</summary>
    public static string? ParseListLine(string line, out string problem)
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
            if (!string.IsNullOrEmpty(repository) && repository != "<none>")
            {
                return string.IsNullOrEmpty(tag) || tag == "<none>" ? repository : repository + ":" + tag;
            }

            if (!string.IsNullOrEmpty(digest))
            {
                return digest!.IndexOf(':') >= 0 ? digest : "sha256:" + digest;
            }

            problem = "it names no repository and no digest";
            return null;
        }
        catch (JsonException ex)
        {
            problem = "it is not JSON: " + ex.Message;
            return null;
        }
    }

    /// <summary>
    /// The Go template handed to <c>podman artifact ls --format</c>: one JSON object per artifact, since the
    /// command has no <c>--format json</c>. Its placeholders are the documented .Repository, .Tag and .Digest.
    /// </summary>
    public const string ListTemplate = "{\"Repository\":{{json .Repository}},\"Tag\":{{json .Tag}},\"Digest\":{{json .Digest}}}";

    public override string ToString() => Name + " " + Digest;

    internal static bool SaysDoesNotExist(string message) =>
        message.IndexOf("does not exist", StringComparison.OrdinalIgnoreCase) >= 0 ||
        message.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0 ||
        message.IndexOf("not known", StringComparison.OrdinalIgnoreCase) >= 0;
}
