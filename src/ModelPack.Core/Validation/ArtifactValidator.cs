using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Validation;

/// <summary>Validates manifests, configs and whole artifacts (re-hashing every blob) for Test-ModelArtifact.</summary>
public static class ArtifactValidator
{
    public const string ManifestKind = "Manifest";
    public const string ConfigKind = "Config";
    public const string ArtifactKind = "Artifact";

    /// <summary>A manifest.json or config.json file, told apart by content.</summary>
    public static ModelValidationResult ValidateFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelPackException(ErrorIds.PathNotFound, ErrorKind.ObjectNotFound, $"File '{path}' does not exist.", path);
        }

        var bytes = File.ReadAllBytes(path);
        var kind = LooksLikeManifest(bytes) ? ManifestKind : ConfigKind;
        var violations = kind == ManifestKind ? ManifestValidator.Validate(bytes) : ConfigValidator.Validate(bytes);
        return new ModelValidationResult(path, kind, violations, Digest.Sha256(bytes).ToString());
    }

    /// <summary>A manifest in a layout: the manifest, its config, and every blob's presence, size and digest.</summary>
    public static ModelValidationResult ValidateInLayout(OciLayout layout, ModelManifest manifest, string target)
    {
        var violations = new List<SpecViolation>(ManifestValidator.Validate(manifest.ToBytes()));
        if (manifest.Config is Descriptor config)
        {
            var problem = CheckBlob(layout, config);
            if (problem is not null)
            {
                violations.Add(new SpecViolation("$.config", problem));
            }
            else if (MediaTypes.IsModelConfig(config.MediaType))
            {
                var bytes = File.ReadAllBytes(layout.BlobPath(config.Digest));
                foreach (var v in ConfigValidator.Validate(bytes))
                {
                    violations.Add(new SpecViolation("config:" + v.Path, v.Message));
                }
            }
        }

        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var problem = CheckBlob(layout, manifest.Layers[i]);
            if (problem is not null)
            {
                violations.Add(new SpecViolation($"$.layers[{i}]", problem));
            }
        }

        return new ModelValidationResult(target, ArtifactKind, violations, manifest.Digest);
    }

    /// <summary>
    /// An artifact in the local store: the manifest and config against the spec, every blob re-hashed, and the
    /// snapshot compared file by file with its layers (raw files with their digest, tar layers with their
    /// entries' sizes and content hashes). Each problem is a violation located by JSON path (<c>$.layers[2]</c>)
    /// or snapshot path (<c>snapshot/weights/model.gguf</c>). <see cref="ArtifactRepair.RepairAsync"/> fixes what it finds.
    /// </summary>
    public static ModelValidationResult ValidateInStore(ModelStore store, ModelArtifact artifact, IProgress<VerificationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (store is null)
        {
            throw new ArgumentNullException(nameof(store));
        }

        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        return StoreVerifier.Verify(store, artifact.Manifest, artifact.PresentLayers, progress, cancellationToken).ToResult(artifact.Reference, artifact.Digest);
    }

    /// <summary>Null when the blob is present with the declared size and digest, else what is wrong.</summary>
    internal static string? CheckBlob(OciLayout layout, Descriptor descriptor)
    {
        if (!Digest.TryParse(descriptor.Digest, out var digest, out var error))
        {
            return error;
        }

        string path;
        try
        {
            path = layout.BlobPath(descriptor.Digest);
        }
        catch (ModelPackException ex)
        {
            return ex.Message;
        }

        if (!File.Exists(path))
        {
            return $"blob {descriptor.Digest} is missing.";
        }

        var length = new FileInfo(path).Length;
        if (length != descriptor.Size)
        {
            return $"blob {descriptor.Digest} has {length} bytes, the descriptor says {descriptor.Size}.";
        }

        using var hasher = digest.CreateHasher();
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        {
            var buffer = new byte[1 << 20];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hasher.AppendData(buffer, 0, read);
            }
        }

        var hash = hasher.GetHashAndReset();
        return digest.Matches(hash)
            ? null
            : $"blob {descriptor.Digest} is corrupt: its content hashes to {digest.Algorithm}:{Digest.ToLowerHex(hash)}.";
    }

    private static bool LooksLikeManifest(byte[] bytes)
    {
        try
        {
            using var doc = JsonText.Parse(bytes);
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object &&
                (root.TryGetProperty("layers", out _) || root.TryGetProperty("schemaVersion", out _) || root.TryGetProperty("mediaType", out _));
        }
        catch (JsonException)
        {
            // Unparseable: the manifest validator reports "not valid JSON" just as well.
            return true;
        }
    }
}
