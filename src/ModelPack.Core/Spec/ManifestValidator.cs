using System;
using System.Collections.Generic;
using System.Text.Json;

namespace ModelPack.Core.Spec;

/// <summary>
/// Checks a manifest against the ModelPack spec (docs/spec.md, docs/annotations.md) and the OCI
/// descriptor rules it builds on. Works on the raw JSON rather than <see cref="ModelManifest"/>, whose
/// tolerant parsing reads wrong types as absent, so every wrong type is reported where it is.
/// </summary>
public static class ManifestValidator
{
    private const string RenameHint = "; it is the name before the spec's mid-2025 rename ('vnd.cnai' to 'vnd.cncf'), read but not current";

    private static readonly (string Current, string Earlier)[] RenamedKeys =
    {
        (AnnotationKeys.Filepath, AnnotationKeys.LegacyFilepath),
        (AnnotationKeys.FileMetadata, AnnotationKeys.LegacyFileMetadata),
        (AnnotationKeys.MediaTypeUntested, AnnotationKeys.LegacyMediaTypeUntested),
    };

    /// <summary>Every violation found, each located by a JSON path; empty when the manifest conforms.</summary>
    public static IReadOnlyList<SpecViolation> Validate(byte[] manifestJson)
    {
        if (manifestJson is null)
        {
            throw new ArgumentNullException(nameof(manifestJson));
        }

        if (JsonText.ParseForValidation(manifestJson, out var unreadable) is not JsonDocument doc)
        {
            return new[] { unreadable! };
        }

        using (doc)
        {
            var violations = new List<SpecViolation>();
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                violations.Add(new SpecViolation(JsonPath.Root, $"must be a JSON object (an OCI image manifest), got {DisplayText.Describe(root)}"));
                return violations;
            }

            JsonPath.ReportDuplicateKeys(root, JsonPath.Root, violations);
            CheckSchemaVersion(root, violations);
            RequireConstant(root, JsonPath.Root, "mediaType", MediaTypes.OciManifest, violations);
            RequireConstant(root, JsonPath.Root, "artifactType", MediaTypes.ModelArtifact, violations, namingOnly: true);
            CheckConfig(root, violations);
            CheckLayers(root, violations);
            ArtifactSizes.Check(root, manifestJson.LongLength, violations);
            if (root.TryGetProperty("subject", out var subject))
            {
                CheckDescriptor(subject, JsonPath.Property(JsonPath.Root, "subject"), violations);
            }

            if (root.TryGetProperty("annotations", out var annotations))
            {
                CheckAnnotationsMap(annotations, JsonPath.Property(JsonPath.Root, "annotations"), violations);
            }

            return violations;
        }
    }

    private static void CheckSchemaVersion(JsonElement root, List<SpecViolation> violations)
    {
        var path = JsonPath.Property(JsonPath.Root, "schemaVersion");
        if (!root.TryGetProperty("schemaVersion", out var value))
        {
            violations.Add(new SpecViolation(path, "is required and must be 2"));
        }
        else if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var version) || version != 2)
        {
            violations.Add(new SpecViolation(path, $"must be the integer 2, got {DisplayText.Describe(value)}"));
        }
    }

    private static void RequireConstant(JsonElement obj, string parentPath, string name, string expected, List<SpecViolation> violations, bool namingOnly = false)
    {
        var path = JsonPath.Property(parentPath, name);
        if (!obj.TryGetProperty(name, out var value))
        {
            violations.Add(new SpecViolation(path, $"is required and must be '{expected}'") { NamingOnly = namingOnly });
        }
        else if (value.ValueKind != JsonValueKind.String || !string.Equals(value.GetString(), expected, StringComparison.Ordinal))
        {
            var hint = value.ValueKind == JsonValueKind.String && value.GetString() == MediaTypes.LegacyModelArtifact ? RenameHint : string.Empty;
            violations.Add(new SpecViolation(path, $"must be '{expected}', got {DisplayText.Describe(value)}{hint}") { NamingOnly = namingOnly });
        }
    }

    private static void CheckConfig(JsonElement root, List<SpecViolation> violations)
    {
        var path = JsonPath.Property(JsonPath.Root, "config");
        if (!root.TryGetProperty("config", out var config))
        {
            violations.Add(new SpecViolation(path, "is required: the descriptor of the model config blob"));
            return;
        }

        if (CheckDescriptor(config, path, violations) && config.TryGetProperty("mediaType", out var mediaType) && mediaType.ValueKind == JsonValueKind.String &&
            !string.Equals(mediaType.GetString(), MediaTypes.ModelConfig, StringComparison.Ordinal))
        {
            var hint = mediaType.GetString() == MediaTypes.LegacyModelConfig ? RenameHint : string.Empty;
            violations.Add(new SpecViolation(JsonPath.Property(path, "mediaType"), $"must be '{MediaTypes.ModelConfig}', got {DisplayText.Describe(mediaType)}{hint}") { NamingOnly = true });
        }
    }

    private static void CheckLayers(JsonElement root, List<SpecViolation> violations)
    {
        var path = JsonPath.Property(JsonPath.Root, "layers");
        if (!root.TryGetProperty("layers", out var layers))
        {
            violations.Add(new SpecViolation(path, "is required: a model has at least one layer"));
            return;
        }

        if (layers.ValueKind != JsonValueKind.Array)
        {
            violations.Add(new SpecViolation(path, $"must be an array of layer descriptors, got {DisplayText.Describe(layers)}"));
            return;
        }

        if (layers.GetArrayLength() == 0)
        {
            violations.Add(new SpecViolation(path, "must not be empty: a model has at least one layer"));
            return;
        }

        var filepaths = new LayerFilepaths();
        var index = 0;
        foreach (var layer in layers.EnumerateArray())
        {
            var layerPath = JsonPath.Index(path, index++);
            if (!CheckDescriptor(layer, layerPath, violations))
            {
                continue;
            }

            CheckLayerMediaType(layer, layerPath, violations);
            if (layer.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object)
            {
                var isFile = !LayerMediaType.TryRead(JsonText.String(layer, "mediaType"), out _, out var packing) || packing == LayerPacking.Raw;
                CheckLayerAnnotations(annotations, layerPath, JsonPath.Property(layerPath, "annotations"), isFile, filepaths, violations);
            }
        }
    }

    private static void CheckLayerMediaType(JsonElement layer, string layerPath, List<SpecViolation> violations)
    {
        if (!layer.TryGetProperty("mediaType", out var value) || value.ValueKind != JsonValueKind.String)
        {
            return; // CheckDescriptor has reported it.
        }

        var mediaType = value.GetString();
        if (LayerMediaType.IsModelLayer(mediaType))
        {
            return;
        }

        var hint = mediaType!.StartsWith(MediaTypes.LegacyModelLayerPrefix, StringComparison.Ordinal)
            ? $"; the spec renamed the '{MediaTypes.LegacyModelLayerPrefix}*' types to '{MediaTypes.ModelLayerPrefix}*', so repackage the model with a current tool"
            : $" ({MediaTypes.ModelLayerPrefix}{{weight,weight.config,doc,code,dataset}}.v1.{{raw,tar,tar+gzip,tar+zstd}})";

        // Read anyway: a type that names no kind (podman's detected MIME types) is a raw file named by its title.
        violations.Add(new SpecViolation(JsonPath.Property(layerPath, "mediaType"), $"must be a ModelPack layer media type, got {DisplayText.Describe(value)}{hint}") { NamingOnly = true });
    }

    // Whether every layer must carry org.cncf.model.filepath: it is not a violation when absent.
    // docs/spec.md (model-spec, the revision media-types.json was taken from and earlier ones) makes
    // layer annotations OPTIONAL and says implementations SHOULD use the predefined keys;
    // docs/annotations.md only defines the key ("Specifies the file path of the layer"), with no MUST;
    // and the spec's own example manifest has no annotations at all. Rejecting it would reject the
    // spec's example. Consumers must cope when it is missing (the store names such a layer by its
    // title or digest); when it is present it must be safe, which is checked here.
    private static void CheckLayerAnnotations(JsonElement annotations, string layerPath, string annotationsPath, bool isFile, LayerFilepaths filepaths, List<SpecViolation> violations)
    {
        foreach (var (current, earlier) in RenamedKeys)
        {
            if (annotations.TryGetProperty(earlier, out _) && !annotations.TryGetProperty(current, out _))
            {
                violations.Add(new SpecViolation(JsonPath.Property(annotationsPath, earlier), $"is the key before the spec's mid-2025 rename: the current one is '{current}' (read but not current)") { NamingOnly = true });
            }
        }

        if (TryGetString(annotations, AnnotationKeys.Filepath, out var filepath) || TryGetString(annotations, AnnotationKeys.LegacyFilepath, out filepath))
        {
            var path = JsonPath.Property(annotationsPath, annotations.TryGetProperty(AnnotationKeys.Filepath, out _) ? AnnotationKeys.Filepath : AnnotationKeys.LegacyFilepath);
            if (filepath.Length == 0)
            {
                violations.Add(new SpecViolation(path, "must not be empty: it is the relative path of the layer's file"));
            }
            else if (!LayerPath.TryNormalize(filepath, out var normalized, out var error))
            {
                violations.Add(new SpecViolation(path, $"is not a safe relative path ({DisplayText.Quote(filepath)}): {error}"));
            }
            else if (filepaths.Conflict(normalized, isFile, layerPath) is string conflict)
            {
                violations.Add(new SpecViolation(path, $"{DisplayText.Quote(filepath)} {conflict}"));
            }
        }

        if (TryGetString(annotations, AnnotationKeys.FileMetadata, out var metadata) || TryGetString(annotations, AnnotationKeys.LegacyFileMetadata, out metadata))
        {
            var path = JsonPath.Property(annotationsPath, annotations.TryGetProperty(AnnotationKeys.FileMetadata, out _) ? AnnotationKeys.FileMetadata : AnnotationKeys.LegacyFileMetadata);
            foreach (var problem in FileMetadataRules.Check(metadata))
            {
                violations.Add(new SpecViolation(path, problem));
            }
        }

        if (TryGetString(annotations, AnnotationKeys.MediaTypeUntested, out var untested) && untested != "true" && untested != "false")
        {
            violations.Add(new SpecViolation(JsonPath.Property(annotationsPath, AnnotationKeys.MediaTypeUntested), $"must be \"true\" or \"false\", got {DisplayText.Quote(untested)}"));
        }
    }

    /// <summary>OCI descriptor shape. Returns false when it is not an object, so callers skip deeper checks.</summary>
    private static bool CheckDescriptor(JsonElement descriptor, string path, List<SpecViolation> violations)
    {
        if (descriptor.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new SpecViolation(path, $"must be a descriptor object (mediaType, digest, size), got {DisplayText.Describe(descriptor)}"));
            return false;
        }

        if (!descriptor.TryGetProperty("mediaType", out var mediaType))
        {
            violations.Add(new SpecViolation(JsonPath.Property(path, "mediaType"), "is required"));
        }
        else if (mediaType.ValueKind != JsonValueKind.String)
        {
            violations.Add(new SpecViolation(JsonPath.Property(path, "mediaType"), $"must be a string, got {DisplayText.Describe(mediaType)}"));
        }

        if (!descriptor.TryGetProperty("digest", out var digest))
        {
            violations.Add(new SpecViolation(JsonPath.Property(path, "digest"), "is required"));
        }
        else if (digest.ValueKind != JsonValueKind.String)
        {
            violations.Add(new SpecViolation(JsonPath.Property(path, "digest"), $"must be a digest string (algorithm:hex), got {DisplayText.Describe(digest)}"));
        }
        else if (!Digest.TryParse(digest.GetString(), out _, out var digestError))
        {
            violations.Add(new SpecViolation(JsonPath.Property(path, "digest"), $"is malformed: {digestError}"));
        }

        if (!descriptor.TryGetProperty("size", out var size))
        {
            violations.Add(new SpecViolation(JsonPath.Property(path, "size"), "is required"));
        }
        else if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out var bytes) || bytes < 0)
        {
            violations.Add(new SpecViolation(JsonPath.Property(path, "size"), $"must be a non-negative integer (bytes), got {DisplayText.Describe(size)}"));
        }

        if (descriptor.TryGetProperty("annotations", out var annotations))
        {
            CheckAnnotationsMap(annotations, JsonPath.Property(path, "annotations"), violations);
        }

        if (descriptor.TryGetProperty("artifactType", out var artifactType) && artifactType.ValueKind != JsonValueKind.String)
        {
            violations.Add(new SpecViolation(JsonPath.Property(path, "artifactType"), $"must be a string, got {DisplayText.Describe(artifactType)}"));
        }

        if (descriptor.TryGetProperty("urls", out var urls))
        {
            CheckStringArray(urls, JsonPath.Property(path, "urls"), violations);
        }

        return true;
    }

    /// <summary>OCI annotations: a map whose values are all strings.</summary>
    private static void CheckAnnotationsMap(JsonElement annotations, string path, List<SpecViolation> violations)
    {
        if (annotations.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new SpecViolation(path, $"must be an object of string values, got {DisplayText.Describe(annotations)}"));
            return;
        }

        foreach (var entry in annotations.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                violations.Add(new SpecViolation(JsonPath.Property(path, entry.Name), $"must be a string (annotation values are strings), got {DisplayText.Describe(entry.Value)}"));
            }
        }
    }

    private static void CheckStringArray(JsonElement array, string path, List<SpecViolation> violations)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            violations.Add(new SpecViolation(path, $"must be an array of strings, got {DisplayText.Describe(array)}"));
            return;
        }

        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                violations.Add(new SpecViolation(JsonPath.Index(path, index), $"must be a string, got {DisplayText.Describe(item)}"));
            }

            index++;
        }
    }

    /// <summary>
    /// The layers' file paths so far: two layers may not name one path, and no path may lie under a raw layer's
    /// file, which cannot also be a directory ("a" beside "a/b"). A tar layer's path is a directory its entries
    /// fill, so paths under it are left to extraction.
    /// </summary>
    private sealed class LayerFilepaths
    {
        private readonly Dictionary<string, (string Layer, bool IsFile)> _paths = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _directories = new(StringComparer.Ordinal);

        /// <summary>Why <paramref name="normalized"/> cannot be added, or null (then it is added).</summary>
        public string? Conflict(string normalized, bool isFile, string layerPath)
        {
            if (_paths.TryGetValue(normalized, out var first))
            {
                return $"names the same file as the filepath of {first.Layer} ({DisplayText.Quote(normalized)}); each layer must have its own path";
            }

            if (isFile && _directories.TryGetValue(normalized, out var under))
            {
                return $"is a file, but the filepath of {under} puts a file under it, so it would have to be a directory too";
            }

            for (var slash = normalized.IndexOf('/'); slash > 0; slash = normalized.IndexOf('/', slash + 1))
            {
                var parent = normalized.Substring(0, slash);
                if (_paths.TryGetValue(parent, out var owner) && owner.IsFile)
                {
                    return $"puts a file under {DisplayText.Quote(parent)}, which the filepath of {owner.Layer} makes a file; a path cannot be a file and a directory";
                }
            }

            _paths.Add(normalized, (layerPath, isFile));
            for (var slash = normalized.IndexOf('/'); slash > 0; slash = normalized.IndexOf('/', slash + 1))
            {
                var parent = normalized.Substring(0, slash);
                if (!_directories.ContainsKey(parent))
                {
                    _directories.Add(parent, layerPath);
                }
            }

            return null;
        }
    }

    private static bool TryGetString(JsonElement obj, string name, out string value)
    {
        if (obj.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String)
        {
            value = element.GetString()!;
            return true;
        }

        value = string.Empty;
        return false;
    }
}
