using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Layout;

/// <summary>
/// An OCI image layout directory (image-spec image-layout.md): <c>oci-layout</c>, <c>index.json</c>,
/// <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>. Everything read is verified against its digest; everything
/// written becomes visible only by an atomic rename after verification; index.json changes under
/// a cross-process lock. Partial writes live in <c>tmp/</c>, which other OCI tools ignore.
/// </summary>
public sealed class OciLayout
{
    public const string LayoutFileName = "oci-layout";
    public const string IndexFileName = "index.json";
    public const string IndexLockFileName = "index.json.lock";
    public const string BlobsDirectoryName = "blobs";
    public const string TempDirectoryName = "tmp";
    public const string ImageLayoutVersion = "1.0.0";

    /// <summary>Manifests and indexes bigger than this are refused, as registries do (4 MiB).</summary>
    public const long MaxManifestBytes = 4 * 1024 * 1024;

    private const int CopyBufferSize = 1024 * 1024;
    private const int MaxIndexDepth = 8;

    private OciLayout(string root)
    {
        Root = root;
    }

    /// <summary>Absolute path of the layout directory.</summary>
    public string Root { get; }

    /// <summary>How long index.json updates wait for another writer's lock before failing with StoreLocked.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    private string IndexPath => Path.Combine(Root, IndexFileName);

    private string TempDirectory => Path.Combine(Root, TempDirectoryName);

    /// <summary>Opens an existing layout; LayoutNotFound when it or its oci-layout/index.json is missing, InvalidLayout when they are malformed.</summary>
    public static OciLayout Open(string path)
    {
        var root = FullPath(path);
        if (!Directory.Exists(root))
        {
            throw LayoutErrors.NotFound(root, $"The OCI layout '{root}' does not exist. Check the path, or create the layout first.");
        }

        var layoutFile = Path.Combine(root, LayoutFileName);
        if (!File.Exists(layoutFile))
        {
            throw LayoutErrors.NotFound(root, $"'{root}' is not an OCI image layout: it has no '{LayoutFileName}' file. Point at a directory written as an OCI layout (e.g. by 'skopeo copy ... oci:DIR:TAG').");
        }

        CheckLayoutFile(root, layoutFile);
        var layout = new OciLayout(root);
        IndexJson.Validate(layout.ReadIndexBytes(), root);
        return layout;
    }

    /// <summary>Opens the layout at <paramref name="path"/>, first creating it (or its missing parts) when needed.</summary>
    public static OciLayout Create(string path)
    {
        var root = FullPath(path);
        Directory.CreateDirectory(root);
        var layoutFile = Path.Combine(root, LayoutFileName);
        var indexFile = Path.Combine(root, IndexFileName);
        var tempDirectory = Path.Combine(root, TempDirectoryName);
        if (!File.Exists(layoutFile) || !File.Exists(indexFile))
        {
            // Checked and created under the lock: a process creating the same layout at the same time
            // would otherwise see the other's half-made layout (oci-layout written, index.json not yet)
            // as a foreign directory.
            using var indexLock = FileLock.Acquire(Path.Combine(root, IndexLockFileName), TimeSpan.FromSeconds(30));
            if (!File.Exists(layoutFile) && !File.Exists(indexFile) && HasForeignEntries(root))
            {
                throw LayoutErrors.Invalid(root, $"'{root}' is not empty and is not an OCI image layout; refusing to turn it into one. Choose an empty or new directory.");
            }

            Directory.CreateDirectory(Path.Combine(root, BlobsDirectoryName, DigestAlgorithm.Sha256.Name));
            if (!File.Exists(layoutFile))
            {
                AtomicFile.Write(layoutFile, Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"" + ImageLayoutVersion + "\"}"), tempDirectory, "oci-layout-");
            }

            if (!File.Exists(indexFile))
            {
                AtomicFile.Write(indexFile, ImageIndex.Create(Array.Empty<Descriptor>()).ToBytes(), tempDirectory, "index-");
            }
        }

        Directory.CreateDirectory(Path.Combine(root, BlobsDirectoryName, DigestAlgorithm.Sha256.Name));
        return Open(root);
    }

    /// <summary>index.json, validated as an image index.</summary>
    public ImageIndex ReadIndex()
    {
        var bytes = ReadIndexBytes();
        IndexJson.Validate(bytes, Root);
        return ImageIndex.Parse(bytes);
    }

    /// <summary>
    /// The path of a blob: blobs/&lt;alg&gt;/&lt;hex&gt;. Only well-formed sha256/sha512 digests are
    /// accepted, so the result always stays inside blobs/ (InvalidDigest, UnsupportedDigestAlgorithm).
    /// </summary>
    public string BlobPath(string digest)
    {
        var parsed = ParseDigest(digest);
        return Path.Combine(Root, BlobsDirectoryName, parsed.Algorithm, parsed.Encoded);
    }

    public bool HasBlob(string digest) => File.Exists(BlobPath(digest));

    /// <summary>The blob's bytes, verified against the descriptor's digest and size.</summary>
    public byte[] ReadBlob(Descriptor descriptor)
    {
        if (descriptor is null)
        {
            throw new ArgumentNullException(nameof(descriptor));
        }

        return ReadVerified(descriptor.Digest, descriptor.Size, exactSize: true);
    }

    /// <summary>The blob's bytes, verified against its digest; SizeMismatch when it is larger than <paramref name="maxBytes"/>.</summary>
    public byte[] ReadBlob(string digest, long maxBytes) => ReadVerified(digest, maxBytes, exactSize: false);

    /// <summary>
    /// A forward-only stream over the blob that verifies it as it is read: the read that reaches the
    /// end throws DigestMismatch (or SizeMismatch, when <paramref name="expectedSize"/> is given) instead of returning 0.
    /// </summary>
    public Stream OpenBlob(string digest, long expectedSize = -1)
    {
        var parsed = ParseDigest(digest);
        var file = OpenBlobFile(parsed, FileOptions.SequentialScan | FileOptions.Asynchronous);
        try
        {
            if (expectedSize >= 0 && file.Length != expectedSize)
            {
                throw LayoutErrors.SizeMismatch(parsed.ToString(), $"Blob {parsed} in the OCI layout '{Root}' has {file.Length} bytes, but its descriptor says {expectedSize}.");
            }

            return new VerifyingReadStream(file, parsed, expectedSize, Root);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Every manifest reachable from index.json (nested indexes followed), each parsed from verified
    /// bytes, in index order. Entries that are neither manifests nor indexes are skipped.
    /// </summary>
    public IReadOnlyList<LayoutEntry> ReadEntries()
    {
        try
        {
            return ReadEntries((Action<Descriptor, ModelSpecException>?)null);
        }
        catch (ModelSpecException ex)
        {
            throw LayoutErrors.Invalid(Root, ex.Message, ex);
        }
    }

    /// <summary>
    /// <see cref="ReadEntries()"/>, going on past index.json entries whose manifest (or nested index) cannot be
    /// used at all (ModelSpecViolation: undecodable JSON, impossible sizes): each is told to
    /// <paramref name="unreadable"/> with its index.json descriptor and left out. Without the callback the first
    /// one is thrown.
    /// </summary>
    public IReadOnlyList<LayoutEntry> ReadEntries(Action<Descriptor, ModelSpecException>? unreadable)
    {
        var entries = new List<LayoutEntry>();
        foreach (var descriptor in ReadIndex().Manifests)
        {
            var start = entries.Count;
            try
            {
                Collect(descriptor, descriptor, descriptor.Annotation(AnnotationKeys.RefName), 0, entries);
            }
            catch (ModelSpecException ex) when (unreadable is not null)
            {
                entries.RemoveRange(start, entries.Count - start);
                unreadable(descriptor, ex);
            }
        }

        return entries;
    }

    /// <summary>
    /// The manifests one index.json entry leads to (itself, or those of the index it names), as <see cref="ReadEntries()"/>
    /// reads them; a manifest that cannot be used throws its <see cref="ModelSpecException"/>.
    /// </summary>
    internal IReadOnlyList<LayoutEntry> ReadEntries(Descriptor indexEntry)
    {
        var entries = new List<LayoutEntry>();
        Collect(indexEntry, indexEntry, indexEntry.Annotation(AnnotationKeys.RefName), 0, entries);
        return entries;
    }

    /// <summary>
    /// Stores bytes as a sha256 blob and returns its digest; flushed to disk before it is published unless
    /// <paramref name="flushToDisk"/> is false (the caller keeps track of unflushed writes).
    /// </summary>
    public string WriteBlob(byte[] bytes, bool flushToDisk = true)
    {
        if (bytes is null)
        {
            throw new ArgumentNullException(nameof(bytes));
        }

        var digest = Digest.Sha256(bytes).ToString();
        var target = BlobPath(digest);
        Directory.CreateDirectory(TempDirectory);
        var temp = AtomicFile.TempPath(TempDirectory, "blob-");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes, 0, bytes.Length);
                file.Flush(flushToDisk);
            }

            Publish(temp, target);
        }
        catch
        {
            AtomicFile.TryDelete(temp);
            throw;
        }

        return digest;
    }

    /// <summary>
    /// Streams <paramref name="source"/> into tmp/ while hashing it, and publishes it as
    /// blobs/&lt;alg&gt;/&lt;hex&gt; by an atomic rename only when digest and size match
    /// (<paramref name="expectedSize"/> -1 = unknown). On any failure, cancellation included, the temp
    /// file is deleted and nothing appears. Returns the digest.
    /// </summary>
    public async Task<string> WriteBlobAsync(Stream source, string expectedDigest, long expectedSize, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        var digest = ParseDigest(expectedDigest);
        var target = BlobPath(digest.ToString());
        Directory.CreateDirectory(TempDirectory);
        var temp = AtomicFile.TempPath(TempDirectory, "blob-");
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            using (var hasher = digest.CreateHasher())
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, useAsync: true))
            {
                long total = 0;
                while (true)
                {
                    var read = await source.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                    if (expectedSize >= 0 && total > expectedSize)
                    {
                        throw LayoutErrors.SizeMismatch(digest.ToString(), $"Content written to the OCI layout '{Root}' as {digest} is longer than the expected {expectedSize} bytes; it was discarded.");
                    }

                    hasher.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer, 0, read, cancellationToken).ConfigureAwait(false);
                    progress?.Report(total);
                }

                if (expectedSize >= 0 && total != expectedSize)
                {
                    throw LayoutErrors.SizeMismatch(digest.ToString(), $"Content written to the OCI layout '{Root}' as {digest} has {total} bytes, but {expectedSize} were expected; it was discarded.");
                }

                var hash = hasher.GetHashAndReset();
                if (!digest.Matches(hash))
                {
                    throw LayoutErrors.IncomingDigestMismatch(Root, digest.ToString(), digest.Algorithm + ":" + Digest.ToLowerHex(hash));
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            Publish(temp, target);
            return digest.ToString();
        }
        catch
        {
            AtomicFile.TryDelete(temp);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Publishes a file the caller has already verified while writing it (a streamed download) as
    /// the blob <paramref name="digest"/>, by an atomic rename; avoids re-reading multi-gigabyte
    /// blobs. The file must lie in this layout's tmp/ directory and have exactly <paramref name="size"/> bytes.
    /// </summary>
    public void PublishVerifiedFile(string tempFile, string digest, long size)
    {
        var full = Path.GetFullPath(tempFile);
        if (!string.Equals(Path.GetDirectoryName(full), Path.GetFullPath(TempDirectory), StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{tempFile}' is not in the layout's temp directory.", nameof(tempFile));
        }

        var target = BlobPath(ParseDigest(digest).ToString());
        var length = new FileInfo(full).Length;
        if (length != size)
        {
            AtomicFile.TryDelete(full);
            throw LayoutErrors.SizeMismatch(digest, $"The download of {digest} has {length} bytes, but {size} were expected; it was discarded.");
        }

        Publish(full, target);
    }

    /// <summary>The layout's directory for partial data, created on demand.</summary>
    public string TempPath
    {
        get
        {
            Directory.CreateDirectory(TempDirectory);
            return TempDirectory;
        }
    }

    /// <summary>Deletes a blob; false when it was not there. Callers make sure nothing references it.</summary>
    public bool DeleteBlob(string digest)
    {
        var path = BlobPath(digest);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>
    /// Tags <paramref name="manifest"/> as <paramref name="refName"/> in index.json: any entry with that
    /// name is replaced (one name, one manifest); other entries stay as written. The manifest blob must
    /// already be in the layout.
    /// </summary>
    public void SetReference(string refName, Descriptor manifest, CancellationToken cancellationToken = default)
    {
        CheckRefName(refName);
        if (manifest is null)
        {
            throw new ArgumentNullException(nameof(manifest));
        }

        if (!HasBlob(manifest.Digest))
        {
            throw new ModelPackException(ErrorIds.BlobNotFound, ErrorKind.ObjectNotFound, $"Cannot tag '{refName}': manifest {manifest.Digest} is not in the OCI layout '{Root}'. Write the manifest blob first.", manifest.Digest);
        }

        UpdateIndex(current => IndexJson.SetReference(current, Root, refName, manifest), cancellationToken);
    }

    /// <summary>Removes every index.json entry named <paramref name="refName"/>; false when there was none. Blobs stay.</summary>
    public bool RemoveReference(string refName, CancellationToken cancellationToken = default)
    {
        CheckRefName(refName);
        var removed = false;
        UpdateIndex(
            current =>
            {
                var updated = IndexJson.RemoveReference(current, Root, refName, out removed);
                return removed ? updated : null;
            },
            cancellationToken);
        return removed;
    }

    private static string FullPath(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("The layout path is empty.", nameof(path));
        }

        return Path.GetFullPath(path);
    }

    private static void CheckLayoutFile(string root, string layoutFile)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(layoutFile);
        }
        catch (FileNotFoundException)
        {
            throw LayoutErrors.NotFound(root, $"'{root}' is not an OCI image layout: it has no '{LayoutFileName}' file.");
        }

        string? version;
        try
        {
            using var doc = JsonText.Parse(bytes);
            version = doc.RootElement.ValueKind == JsonValueKind.Object ? JsonText.String(doc.RootElement, "imageLayoutVersion") : null;
        }
        catch (JsonException ex)
        {
            throw LayoutErrors.Invalid(root, $"The '{LayoutFileName}' file of '{root}' is not valid JSON: {ex.Message}", ex);
        }

        if (version is null)
        {
            throw LayoutErrors.Invalid(root, $"The '{LayoutFileName}' file of '{root}' must be a JSON object with a string 'imageLayoutVersion'.");
        }

        if (!version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw LayoutErrors.Invalid(root, $"The OCI layout '{root}' has imageLayoutVersion '{version}'; only 1.x layouts are supported.");
        }
    }

    /// <summary>Anything but the files a half-finished Create of our own may have left.</summary>
    private static bool HasForeignEntries(string root) =>
        Directory.EnumerateFileSystemEntries(root)
            .Select(Path.GetFileName)
            .Any(name => name is not (IndexLockFileName or BlobsDirectoryName or TempDirectoryName));

    private static Digest ParseDigest(string digest)
    {
        if (!Digest.TryParse(digest, out var parsed, out var error))
        {
            throw new ModelPackException(ErrorIds.InvalidDigest, ErrorKind.InvalidData, error + " A digest is algorithm:hex, e.g. sha256:<64 hex digits>.", digest);
        }

        if (!parsed.IsVerifiable)
        {
            throw new ModelPackException(ErrorIds.UnsupportedDigest, ErrorKind.InvalidData, $"Digest '{digest}' uses the algorithm '{parsed.Algorithm}'; only {DigestAlgorithm.Names} blobs can be verified and stored.", digest);
        }

        return parsed;
    }

    private static void CheckRefName(string refName)
    {
        if (refName is null)
        {
            throw new ArgumentNullException(nameof(refName));
        }

        if (RefNameGrammar.Check(refName) is string reason)
        {
            throw new ModelPackException(ErrorIds.InvalidReference, ErrorKind.InvalidArgument, $"'{refName}' cannot name a manifest in an OCI layout: {reason}.", refName);
        }
    }

    private byte[] ReadIndexBytes()
    {
        try
        {
            return File.ReadAllBytes(IndexPath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw LayoutErrors.NotFound(Root, $"'{Root}' is not an OCI image layout: it has no '{IndexFileName}' file.");
        }
    }

    /// <summary>Read-modify-write of index.json under the lock; <paramref name="edit"/> returns null for "no change".</summary>
    private void UpdateIndex(Func<byte[], byte[]?> edit, CancellationToken cancellationToken)
    {
        using var indexLock = FileLock.Acquire(Path.Combine(Root, IndexLockFileName), LockTimeout, cancellationToken);
        var updated = edit(ReadIndexBytes());
        if (updated is not null)
        {
            AtomicFile.Write(IndexPath, updated, TempDirectory, "index-");
        }
    }

    private FileStream OpenBlobFile(Digest digest, FileOptions options)
    {
        var path = Path.Combine(Root, BlobsDirectoryName, digest.Algorithm, digest.Encoded);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, options);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw LayoutErrors.BlobNotFound(Root, digest.ToString());
        }
    }

    private byte[] ReadVerified(string digest, long size, bool exactSize)
    {
        var parsed = ParseDigest(digest);
        using var file = OpenBlobFile(parsed, FileOptions.SequentialScan);
        var length = file.Length;
        if (exactSize && length != size)
        {
            throw LayoutErrors.SizeMismatch(parsed.ToString(), $"Blob {parsed} in the OCI layout '{Root}' has {length} bytes, but its descriptor says {size}.");
        }

        if (!exactSize && length > size)
        {
            throw LayoutErrors.SizeMismatch(parsed.ToString(), $"Blob {parsed} in the OCI layout '{Root}' has {length} bytes, more than the {size} allowed here.");
        }

        if (length > int.MaxValue)
        {
            throw LayoutErrors.SizeMismatch(parsed.ToString(), $"Blob {parsed} in the OCI layout '{Root}' has {length} bytes, too many to read into memory; stream it with OpenBlob.");
        }

        var bytes = new byte[length];
        var offset = 0;
        while (offset < bytes.Length)
        {
            var read = file.Read(bytes, offset, bytes.Length - offset);
            if (read == 0)
            {
                throw LayoutErrors.SizeMismatch(parsed.ToString(), $"Blob {parsed} in the OCI layout '{Root}' ended after {offset} of {length} bytes while being read.");
            }

            offset += read;
        }

        using var hasher = parsed.CreateHasher();
        hasher.AppendData(bytes);
        var hash = hasher.GetHashAndReset();
        if (!parsed.Matches(hash))
        {
            throw LayoutErrors.DigestMismatch(Root, parsed.ToString(), parsed.Algorithm + ":" + Digest.ToLowerHex(hash));
        }

        return bytes;
    }

    /// <summary>Moves a verified temp file into blobs/. An existing copy is replaced (same content, freshly verified).</summary>
    private static void Publish(string temp, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            AtomicFile.MoveOver(temp, target);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Windows cannot replace a blob another process has open; the copy there has the same digest.
            AtomicFile.TryDelete(temp);
        }
    }

    private void Collect(Descriptor descriptor, Descriptor root, string? refName, int depth, List<LayoutEntry> entries)
    {
        var mediaType = descriptor.MediaType;
        var isIndex = mediaType is MediaTypes.OciIndex or MediaTypes.DockerManifestList;
        var isManifest = mediaType is MediaTypes.OciManifest or MediaTypes.DockerManifestV2;
        if (!isIndex && !isManifest && mediaType.Length != 0)
        {
            return;
        }

        if (descriptor.Size > MaxManifestBytes)
        {
            throw LayoutErrors.ManifestTooLarge(Root, descriptor, MaxManifestBytes);
        }

        var bytes = ReadBlob(descriptor);
        if (!isIndex && !isManifest)
        {
            isIndex = HasManifestsArray(bytes);
        }

        var name = refName ?? descriptor.Digest;
        if (!isIndex)
        {
            entries.Add(new LayoutEntry(descriptor, refName, ModelManifest.Parse(bytes, $"Manifest {descriptor.Digest} ('{name}') in the OCI layout '{Root}'", name), root));
            return;
        }

        if (depth >= MaxIndexDepth)
        {
            throw LayoutErrors.Invalid(Root, $"Index {descriptor.Digest} in the OCI layout '{Root}' is nested more than {MaxIndexDepth} levels deep.");
        }

        var nested = ImageIndex.Parse(bytes, $"Index {descriptor.Digest} ('{name}') in the OCI layout '{Root}'", name);
        foreach (var child in nested.Manifests)
        {
            Collect(child, root, refName, depth + 1, entries);
        }
    }

    /// <summary>
    /// For descriptors without a media type: an index has a "manifests" array, a manifest does not. Bytes that are
    /// not readable JSON count as a manifest, whose parsing then says what is wrong with them.
    /// </summary>
    private static bool HasManifestsArray(byte[] bytes)
    {
        try
        {
            using var doc = JsonText.Parse(bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object &&
                doc.RootElement.TryGetProperty("manifests", out var manifests) &&
                manifests.ValueKind == JsonValueKind.Array;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
