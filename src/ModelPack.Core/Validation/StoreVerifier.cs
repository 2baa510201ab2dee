using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using SharpCompress.Common;
using SharpCompress.Common.Tar;
using SharpCompress.Readers;

namespace ModelPack.Core.Validation;

/// <summary>
/// Verifies an artifact held in the local store: the manifest and config against the spec, every blob
/// re-hashed, and the snapshot compared with what its layers say it must contain. A raw layer's file must
/// have the layer's size and digest; a tar layer's entries are read from the blob and each extracted
/// file must have the entry's size and content hash, each directory and link must exist. Files in the
/// snapshot that no layer put there are reported too. Every problem is a violation with a path:
/// <c>$.layers[2]</c> for a blob, <c>snapshot/&lt;relative path&gt;</c> for the snapshot.
/// </summary>
internal static class StoreVerifier
{
    public const string SnapshotPathPrefix = "snapshot/";
    private const int BufferSize = 1 << 20;

    /// <param name="store">The store that holds the artifact.</param>
    /// <param name="manifest">Its manifest.</param>
    /// <param name="present">For a partial artifact, the layers it holds: the others are reported not downloaded, not damaged.</param>
    /// <param name="progress">Where each step is reported.</param>
    /// <param name="cancellationToken">Stops the verification.</param>
    public static StoreFindings Verify(ModelStore store, ModelManifest manifest, IReadOnlyList<int>? present, IProgress<VerificationProgress>? progress, CancellationToken cancellationToken)
    {
        var findings = new StoreFindings();
        var layout = store.Layout;
        var descriptors = new List<(string Path, Descriptor Descriptor)> { ("$", manifest.ToDescriptor()) };
        if (manifest.Config is Descriptor config)
        {
            descriptors.Add(("$.config", config));
        }

        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            if (present is null || present.Contains(i))
            {
                descriptors.Add(($"$.layers[{i}]", manifest.Layers[i]));
            }
            else
            {
                findings.NotDownloaded.Add(PartialPulls.LayerFilter.PathOf(manifest.Layers[i]));
            }
        }

        var total = descriptors.Count + 1;
        var done = 0;
        foreach (var (path, descriptor) in descriptors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new VerificationProgress(path == "$" ? "manifest" : descriptor.Filepath ?? path, done++, total));
            var problem = ArtifactValidator.CheckBlob(layout, descriptor);
            if (problem is null)
            {
                continue;
            }

            findings.Violations.Add(new SpecViolation(path, problem));
            findings.DamagedBlobs.Add(descriptor);
            findings.ManifestDamaged |= path == "$";
        }

        foreach (var v in ManifestValidator.Validate(manifest.ToBytes()))
        {
            findings.Violations.Add(v);
        }

        if (manifest.Config is Descriptor c && MediaTypes.IsModelConfig(c.MediaType) && !findings.DamagedBlobs.Contains(c))
        {
            foreach (var v in ConfigValidator.Validate(File.ReadAllBytes(layout.BlobPath(c.Digest))))
            {
                findings.Violations.Add(new SpecViolation("config:" + v.Path, v.Message));
            }
        }

        progress?.Report(new VerificationProgress("snapshot", done, total));
        VerifySnapshot(store, manifest, present, findings, cancellationToken);
        return findings;
    }

    private static void VerifySnapshot(ModelStore store, ModelManifest manifest, IReadOnlyList<int>? present, StoreFindings findings, CancellationToken cancellationToken)
    {
        var root = store.SnapshotPath(manifest.Digest);
        if (!Directory.Exists(root))
        {
            findings.Violations.Add(new SpecViolation(SnapshotPathPrefix, $"the snapshot directory '{root}' is missing."));
            findings.SnapshotDamaged = true;
            return;
        }

        var expected = new Dictionary<string, bool>(StringComparer.Ordinal); // relative path -> is a directory
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            if (present is not null && !present.Contains(i))
            {
                continue;
            }

            var layer = manifest.Layers[i];
            var packing = layer.Packing ?? LayerPacking.Raw;
            if (packing == LayerPacking.Raw)
            {
                var name = !string.IsNullOrEmpty(layer.Filepath) ? layer.Filepath : layer.Title;
                if (!LayerPath.TryNormalize(name, out var relative, out _))
                {
                    continue; // The manifest validation reports it; pulling never placed it.
                }

                expected[relative] = false;
                CheckFile(root, relative, layer.Size, layer.Digest, findings, cancellationToken);
            }
            else if (!findings.DamagedBlobs.Contains(layer))
            {
                CheckTarLayer(store, root, layer, $"$.layers[{i}]", packing, expected, findings, cancellationToken);
            }
            else
            {
                // The blob must be fetched again; the snapshot is rebuilt from it.
                findings.SnapshotDamaged = true;
            }
        }

        ReportUnexpected(root, root, expected, findings);
    }

    private static void CheckTarLayer(ModelStore store, string root, Descriptor layer, string layerPath, LayerPacking packing, Dictionary<string, bool> expected, StoreFindings findings, CancellationToken cancellationToken)
    {
        var check = new TarCheck(root, expected, findings, new Dictionary<string, (long Size, string Digest)>(StringComparer.Ordinal));
        try
        {
            using var blob = new FileStream(store.Layout.BlobPath(layer.Digest), FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
            using var decompressed = TarLayerExtractor.Decompress(blob, packing);
            using var reader = ReaderFactory.OpenReader(decompressed, new ReaderOptions { LeaveStreamOpen = true });
            while (reader.MoveToNextEntry())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (reader.Entry is not TarEntry entry)
                {
                    continue;
                }

                var kind = TarEntryClassifier.Classify(entry);
                if (kind == TarEntryKind.Metadata || !LayerPath.TryNormalize(entry.Key, out var relative, out _))
                {
                    continue;
                }

                CheckTarEntry(reader, entry, kind, relative, check, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException and not ModelPackException)
        {
            findings.Violations.Add(new SpecViolation(layerPath, $"the {packing} layer {layer.Digest} cannot be read as an archive: {ex.Message}"));
            findings.DamagedBlobs.Add(layer);
            findings.SnapshotDamaged = true;
        }
    }

    /// <summary>One entry of a tar layer against the snapshot: the directory, file, hard link or symbolic link it made.</summary>
    private static void CheckTarEntry(IReader reader, TarEntry entry, TarEntryKind kind, string relative, TarCheck check, CancellationToken cancellationToken)
    {
        var (root, expected, findings, hashes) = (check.Root, check.Expected, check.Findings, check.Hashes);
        switch (kind)
        {
            case TarEntryKind.Directory:
                expected[relative] = true;
                if (!Directory.Exists(Path.Combine(root, Native(relative))))
                {
                    Damaged(findings, relative, "the directory is missing.");
                }

                break;
            case TarEntryKind.RegularFile:
                using (var content = reader.OpenEntryStream())
                {
                    var (size, digest) = Hash(content, cancellationToken);
                    hashes[relative] = (size, digest);
                    expected[relative] = false;
                    CheckFile(root, relative, size, digest, findings, cancellationToken);
                }

                break;
            case TarEntryKind.HardLink:
                if (LayerPath.TryNormalize(entry.LinkTarget, out var target, out _) && hashes.TryGetValue(target, out var linked))
                {
                    hashes[relative] = linked;
                    expected[relative] = false;
                    CheckFile(root, relative, linked.Size, linked.Digest, findings, cancellationToken);
                }

                break;
            case TarEntryKind.SymbolicLink:
                expected[relative] = false;
                if (!IsLink(Path.Combine(root, Native(relative))))
                {
                    Damaged(findings, relative, $"the symbolic link to '{entry.LinkTarget}' is missing or no longer a link.");
                }

                break;
        }
    }

    private static void CheckFile(string root, string relative, long size, string digest, StoreFindings findings, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, Native(relative));
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            Damaged(findings, relative, Directory.Exists(path) ? "is a directory, not the file the layer holds." : "the file is missing.");
            return;
        }

        if ((file.Attributes & FileAttributes.ReparsePoint) != 0)
        {
            Damaged(findings, relative, "is a symbolic link, not the file the layer holds.");
            return;
        }

        if (file.Length != size)
        {
            Damaged(findings, relative, $"has {file.Length} bytes, the layer says {size}.");
            return;
        }

        string actual;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
            actual = Hash(stream, cancellationToken).Digest;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Damaged(findings, relative, "cannot be read: " + ex.Message);
            return;
        }

        if (actual != digest)
        {
            Damaged(findings, relative, $"its content hashes to {actual}, the layer says {digest}: it was changed.");
        }
    }

    /// <summary>Files and links no layer put there (directories are fine when they lead to expected paths).</summary>
    private static void ReportUnexpected(string root, string directory, Dictionary<string, bool> expected, StoreFindings findings)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            var relative = entry.FullName.Substring(root.Length).TrimStart(Path.DirectorySeparatorChar).Replace(Path.DirectorySeparatorChar, '/');
            var isLink = (entry.Attributes & FileAttributes.ReparsePoint) != 0;
            if (entry is DirectoryInfo sub && !isLink)
            {
                if (!expected.ContainsKey(relative) && !IsParentOfExpected(relative, expected))
                {
                    Damaged(findings, relative, "is a directory no layer contains.");
                    continue;
                }

                ReportUnexpected(root, sub.FullName, expected, findings);
            }
            else if (!expected.ContainsKey(relative))
            {
                Damaged(findings, relative, "is a file no layer contains: it was added after the snapshot was made.");
            }
        }
    }

    private static bool IsParentOfExpected(string directory, Dictionary<string, bool> expected)
    {
        var prefix = directory + "/";
        foreach (var path in expected.Keys)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void Damaged(StoreFindings findings, string relative, string message)
    {
        findings.Violations.Add(new SpecViolation(SnapshotPathPrefix + relative, message));
        findings.SnapshotDamaged = true;
    }

    private static (long Size, string Digest) Hash(Stream stream, CancellationToken cancellationToken)
    {
        using var hasher = DigestAlgorithm.Sha256.CreateHasher();
        var buffer = new byte[BufferSize];
        long size = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            hasher.AppendData(buffer, 0, read);
            size += read;
        }

        return (size, Digest.FromSha256Hash(hasher.GetHashAndReset()).ToString());
    }

    private static bool IsLink(string path)
    {
        try
        {
            return (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Native(string relative) => relative.Replace('/', Path.DirectorySeparatorChar);

    /// <summary>What checking one tar layer keeps: the snapshot root, the paths it expects, the findings, and each file's size and digest (for hard links).</summary>
    private sealed class TarCheck
    {
        public TarCheck(string root, Dictionary<string, bool> expected, StoreFindings findings, Dictionary<string, (long Size, string Digest)> hashes)
        {
            Root = root;
            Expected = expected;
            Findings = findings;
            Hashes = hashes;
        }

        public string Root { get; }

        public Dictionary<string, bool> Expected { get; }

        public StoreFindings Findings { get; }

        public Dictionary<string, (long Size, string Digest)> Hashes { get; }
    }
}
