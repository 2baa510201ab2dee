using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using ModelPack.Core.Layout;

namespace ModelPack.Core.Store;

/// <summary>
/// What a pull with <see cref="StoreDurability.Deferred"/> writes without waiting for the disk: its
/// manifest and blobs, under which boot. The file is on disk before the first of those blobs is
/// published, and its pull holds it locked until it ends, so <see cref="UnsyncedWriteSettler"/> can
/// tell a running pull's journal from a finished one.
/// </summary>
internal sealed class UnsyncedJournal : IDisposable
{
    public const string DirectoryName = "unsynced";
    public const string Extension = ".journal";
    private const string Header = "modelpack-unsynced 1";
    private const string ManifestPrefix = "manifest ";
    private const string BlobPrefix = "blob ";
    private static readonly char[] LineBreak = { '\n' };

    private FileStream? _handle;

    private UnsyncedJournal(string path, FileStream handle)
    {
        Path = path;
        _handle = handle;
    }

    public string Path { get; }

    public static string DirectoryOf(string storeRoot) => System.IO.Path.Combine(storeRoot, DirectoryName);

    /// <summary>
    /// Records that <paramref name="manifestDigest"/> and <paramref name="blobDigests"/> are about to be
    /// written without flushing, and holds the record until disposed. Null when there is no usable boot
    /// id: then nothing could detect a lost write, and the caller must flush each blob itself.
    /// </summary>
    public static UnsyncedJournal? Begin(string storeRoot, string? bootId, string manifestDigest, IEnumerable<string> blobDigests)
    {
        if (!BootIdentity.IsValid(bootId) || NativeMethods.IsWindows)
        {
            return null;
        }

        var directory = DirectoryOf(storeRoot);
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, bootId + "_" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture) + Extension);
        var text = new StringBuilder().Append(Header).Append('\n').Append(ManifestPrefix).Append(manifestDigest).Append('\n');
        foreach (var digest in blobDigests)
        {
            text.Append(BlobPrefix).Append(digest).Append('\n');
        }

        var handle = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);
        try
        {
            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            handle.Write(bytes, 0, bytes.Length);
            handle.Flush(flushToDisk: true);

            // The journal's name must reach the disk before any blob it covers can.
            DiskFlush.Path(directory);
            return new UnsyncedJournal(path, handle);
        }
        catch
        {
            handle.Dispose();
            AtomicFile.TryDelete(path);
            throw;
        }
    }

    /// <summary>The journal files in a store, oldest first.</summary>
    public static IReadOnlyList<FileInfo> Find(string storeRoot)
    {
        var directory = new DirectoryInfo(DirectoryOf(storeRoot));
        if (!directory.Exists)
        {
            return Array.Empty<FileInfo>();
        }

        var files = new List<FileInfo>(directory.GetFiles("*" + Extension));
        files.Sort((a, b) => a.LastWriteTimeUtc.CompareTo(b.LastWriteTimeUtc));
        return files;
    }

    /// <summary>The boot id a journal's name starts with (null for a name that is not a journal's).</summary>
    public static string? BootIdOf(FileInfo file)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(file.Name);
        var separator = name.LastIndexOf('_');
        return separator > 0 && BootIdentity.IsValid(name.Substring(0, separator)) ? name.Substring(0, separator) : null;
    }

    /// <summary>Holds a journal whose pull has ended; null while its pull still holds it.</summary>
    public static FileStream? TryHold(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (IOException ex) when (ex.GetType() == typeof(IOException))
        {
            return null;
        }
    }

    /// <summary>
    /// Reads a held journal; false when it is not whole. It is written and flushed in one go before
    /// any blob it covers is published, so one cut short or empty (the system stopped while it was
    /// written) covers nothing.
    /// </summary>
    public static bool TryRead(FileStream held, out List<string> manifests, out List<string> blobs)
    {
        manifests = new List<string>();
        blobs = new List<string>();
        held.Position = 0;
        string text;
        using (var reader = new StreamReader(held, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true))
        {
            try
            {
                text = reader.ReadToEnd();
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }

        if (!text.StartsWith(Header + "\n", StringComparison.Ordinal) || !text.EndsWith("\n", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var line in text.Substring(Header.Length + 1).Split(LineBreak, StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith(ManifestPrefix, StringComparison.Ordinal) && Spec.Digest.TryParse(line.Substring(ManifestPrefix.Length), out var manifest))
            {
                manifests.Add(manifest.ToString());
            }
            else if (line.StartsWith(BlobPrefix, StringComparison.Ordinal) && Spec.Digest.TryParse(line.Substring(BlobPrefix.Length), out var blob))
            {
                blobs.Add(blob.ToString());
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Ends the pull's hold; the journal stays until its writes are known to be on disk.</summary>
    public void Dispose()
    {
        _handle?.Dispose();
        _handle = null;
    }
}
