using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Layout;

/// <summary>The layout's blobs: read back verified, written or published only once verified, deleted.</summary>
public sealed partial class OciLayout
{
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
}
