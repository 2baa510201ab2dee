using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Spec;

/// <summary>A manifest that uses every rule the validator checks and passes all of them, to break one rule at a time.</summary>
internal static class ManifestSamples
{
    public const string Metadata = "{\"name\":\"model.safetensors\",\"mode\":420,\"uid\":0,\"gid\":0,\"size\":30327160,\"mtime\":\"2025-01-01T00:00:00Z\",\"typeflag\":48}";

    public static JsonObject Valid() => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciManifest,
        ["artifactType"] = MediaTypes.ModelArtifact,
        ["config"] = new JsonObject
        {
            ["mediaType"] = MediaTypes.ModelConfig,
            ["digest"] = "sha256:d5815835051dd97d800a03f641ed8162877920e734d3d705b698912602b8c763",
            ["size"] = 301,
        },
        ["layers"] = new JsonArray
        {
            new JsonObject
            {
                ["mediaType"] = "application/vnd.cncf.model.weight.v1.raw",
                ["digest"] = "sha256:3f907c1a03bf20f20355fe449e18ff3f9de2e49570ffb536f1a32f20c7179808",
                ["size"] = 30327160,
                ["annotations"] = new JsonObject
                {
                    [AnnotationKeys.Filepath] = "model.safetensors",
                    [AnnotationKeys.FileMetadata] = Metadata,
                    [AnnotationKeys.MediaTypeUntested] = "false",
                },
            },
            new JsonObject
            {
                ["mediaType"] = "application/vnd.cncf.model.weight.config.v1.tar",
                ["digest"] = "sha256:a5378e569c625f7643952fcab30c74f2a84ece52335c292e630f740ac4694146",
                ["size"] = 106,
                ["annotations"] = new JsonObject
                {
                    [AnnotationKeys.Filepath] = "config/tokenizer.json",
                    [AnnotationKeys.MediaTypeUntested] = "true",
                    ["org.opencontainers.image.title"] = "tokenizer.json",
                },
            },
        },
        ["annotations"] = new JsonObject { [AnnotationKeys.Created] = "2025-01-01T00:00:00Z" },
    };

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    public static IReadOnlyList<SpecViolation> Validate(Action<JsonObject> breakIt)
    {
        var manifest = Valid();
        breakIt(manifest);
        return ManifestValidator.Validate(Bytes(manifest));
    }

    public static JsonObject Layer(JsonObject manifest, int index) => (JsonObject)manifest["layers"]![index]!;

    public static JsonObject Annotations(JsonObject manifest, int index) => (JsonObject)Layer(manifest, index)["annotations"]!;

    /// <summary>Asserts exactly one violation, at <paramref name="path"/>, and returns it.</summary>
    public static SpecViolation Single(IReadOnlyList<SpecViolation> violations, string path)
    {
        Assert.True(
            violations.Count == 1 && violations[0].Path == path,
            $"expected one violation at {path}, got:{Environment.NewLine}{string.Join(Environment.NewLine, violations.Select(v => v.ToString()))}");
        return violations[0];
    }
}
