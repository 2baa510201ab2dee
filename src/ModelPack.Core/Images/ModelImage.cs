using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Images;

/// <summary>
/// The conventions for models packaged as ordinary container images rather than ModelPack artifacts:
/// the model's files live under <c>/models</c> in the image (KServe "modelcar" images, RamaLama's
/// <c>oci://</c> images). There is no standard that says an image is a model, so an image counts as one
/// when a label says so: RamaLama's <c>org.containers.type=ai.image.model.raw</c> or
/// <c>ai.image.model.car</c>, or <c>io.modelpack.model=true</c>. Images pulled by name are used
/// whatever their labels; the labels only decide which local images are listed as models.
/// </summary>
public static class ModelImage
{
    /// <summary>The image directory that holds the model: it becomes the snapshot or the mount.</summary>
    public const string ModelsDirectory = "models";

    /// <summary>RamaLama's label; its values for models start with <see cref="RamaLamaTypePrefix"/>.</summary>
    public const string RamaLamaTypeLabel = "org.containers.type";

    public const string RamaLamaTypePrefix = "ai.image.model.";

    /// <summary>RamaLama images point <c>/models/model.file</c> at the model (usually a symbolic link).</summary>
    public const string RamaLamaModelFile = "model.file";

    /// <summary><c>io.modelpack.model=true</c> marks an image as a model.</summary>
    public const string ModelLabel = "io.modelpack.model";

    /// <summary>The main weight file, relative to <c>/models</c> (for example <c>model.gguf</c>).</summary>
    public const string EntryPathLabel = "io.modelpack.model.entrypath";

    /// <summary>Extensions of files that hold weights, for finding the main one when no label names it.</summary>
    private static readonly HashSet<string> WeightExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".gguf", ".ggml", ".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".onnx", ".h5", ".tflite", ".pb", ".llamafile", ".mlmodel", ".msgpack", ".npz",
    };

    /// <summary>True for an image manifest (its config is an OCI or Docker image config), as opposed to an artifact.</summary>
    public static bool IsImageManifest(ModelManifest manifest)
    {
        if (manifest is null)
        {
            throw new ArgumentNullException(nameof(manifest));
        }

        var config = manifest.Config?.MediaType;
        return !manifest.IsModelArtifact &&
            (string.Equals(config, MediaTypes.OciImageConfig, StringComparison.Ordinal) ||
             string.Equals(config, MediaTypes.DockerImageConfig, StringComparison.Ordinal));
    }

    /// <summary>The labels (<c>config.Labels</c>) of an OCI or Docker image config blob; empty when it has none or is not JSON.</summary>
    public static IReadOnlyDictionary<string, string> LabelsFromConfig(byte[] configJson)
    {
        if (configJson is null)
        {
            throw new ArgumentNullException(nameof(configJson));
        }

        try
        {
            using var doc = JsonText.Parse(configJson);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && JsonText.Object(doc.RootElement, "config") is JsonElement config)
            {
                return JsonText.StringMap(config, "Labels") ?? new Dictionary<string, string>(StringComparer.Ordinal);
            }
        }
        catch (JsonException)
        {
            // A config that is not JSON has no labels; the pull validated what it needs.
        }

        return new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>Whether these image labels mark a model image.</summary>
    public static bool IsModelImage(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null)
        {
            return false;
        }

        if (labels.TryGetValue(ModelLabel, out var model) && string.Equals(model.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return labels.TryGetValue(RamaLamaTypeLabel, out var type) && type.StartsWith(RamaLamaTypePrefix, StringComparison.Ordinal);
    }

    /// <summary>
    /// The main weight file relative to <c>/models</c> that the labels name: <see cref="EntryPathLabel"/>
    /// (checked like a layer path), else RamaLama's <c>model.file</c>; null when they name none.
    /// </summary>
    public static string? EntryPathFromLabels(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null)
        {
            return null;
        }

        if (labels.TryGetValue(EntryPathLabel, out var entry))
        {
            var relative = entry.Trim();
            var prefix = "/" + ModelsDirectory + "/";
            if (relative.StartsWith(prefix, StringComparison.Ordinal))
            {
                relative = relative.Substring(prefix.Length);
            }

            if (LayerPath.TryNormalize(relative, out var normalized, out _))
            {
                return normalized;
            }
        }

        return labels.TryGetValue(RamaLamaTypeLabel, out var type) && type.StartsWith(RamaLamaTypePrefix, StringComparison.Ordinal)
            ? RamaLamaModelFile
            : null;
    }

    /// <summary>
    /// The largest file with a weight extension under <paramref name="directory"/> (else the largest file),
    /// as a '/'-separated path relative to it; symbolic links are not followed. Null for an empty tree.
    /// </summary>
    public static string? FindMainWeightFile(string directory)
    {
        if (directory is null)
        {
            throw new ArgumentNullException(nameof(directory));
        }

        if (!Directory.Exists(directory))
        {
            return null;
        }

        FileInfo? best = null;
        var bestIsWeight = false;
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(directory));
        while (pending.Count > 0)
        {
            foreach (var entry in pending.Pop().EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if ((entry.Attributes & FileAttributes.ReparsePoint) != 0)
                {
                    continue;
                }

                if (entry is DirectoryInfo child)
                {
                    pending.Push(child);
                    continue;
                }

                var file = (FileInfo)entry;
                var isWeight = WeightExtensions.Contains(file.Extension);
                if (best is null || (isWeight && !bestIsWeight) || (isWeight == bestIsWeight && file.Length > best.Length))
                {
                    best = file;
                    bestIsWeight = isWeight;
                }
            }
        }

        if (best is null)
        {
            return null;
        }

        var root = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return best.FullName.Substring(root.Length).Replace(Path.DirectorySeparatorChar, '/');
    }
}
