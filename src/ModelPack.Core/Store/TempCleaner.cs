using System;
using System.IO;
using System.Linq;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>
/// Removes what interrupted work left in <c>tmp/</c> and <c>snapshots/</c> once it can no longer be
/// used. Runs under the store's GC lock. <paramref name="quiescent"/> (no pull, blob fetch or pack holds
/// the store's activity lock, in any process) is what makes lock files, pack temp files and half-built
/// snapshots safe to delete; without it only what is provably dead goes.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>&lt;hex&gt;.partial</c>: dropped when its blob is in the store (it was finished by another pull),
/// or when nobody touched it for <see cref="ModelStore.PartialRetention"/>; always under the blob's lock,
/// so a download in progress is never touched. Its <c>&lt;hex&gt;.parts</c> (the parts of a ranged download) goes
/// with it, and one left without a partial goes when quiescent.</item>
/// <item><c>&lt;hex&gt;.lock</c>: only when quiescent. Deleting a lock file someone waits on could hand the
/// lock to two holders (one on the unlinked file, one on a new one), and every waiter is a blob fetch.</item>
/// <item><c>blob-*</c>, <c>index-*</c>, <c>listing-*</c>, <c>oci-layout-*</c>, <c>upload-*</c>: write-then-rename temp
/// files (the layout's, the listing cache's, the publisher's upload records); a writer renames them as soon as they are complete, so one
/// unchanged for <see cref="ModelStore.StaleTempAge"/> is an orphan.</item>
/// <item><c>pack-*</c>: layers a pack wrote and has not published yet; only when quiescent, at any age. A pack
/// holds the activity lock from before it creates the first until it has published or deleted the last, so
/// with nobody holding it they are a killed pack's. Age alone would not do: a pack of a large model keeps
/// its first layers unchanged while it writes the others.</item>
/// <item><c>snapshots/.tmp-*</c>: builds and deletions a crash interrupted; only when quiescent, and a build
/// directory only once nothing in it changed for <see cref="ModelStore.StaleTempAge"/> (snapshot builds
/// outside a pull or pack, by a repair, do not hold the activity lock).</item>
/// </list>
/// Anything else in tmp/ (pins, other components' files) is left alone.
/// </remarks>
internal static class TempCleaner
{
    private const string PackPrefix = "pack-";
    private static readonly string[] OrphanPrefixes = { "blob-", "index-", "listing-", "oci-layout-", "upload-" };

    public static int Clean(ModelStore store, bool quiescent, Action<string>? log)
    {
        var removed = 0;
        var now = DateTime.UtcNow;
        var temp = store.TempDirectory;
        if (Directory.Exists(temp))
        {
            foreach (var file in Directory.GetFiles(temp, "*.partial"))
            {
                if (TryCleanPartial(store, file, now, log))
                {
                    removed++;
                }
            }

            foreach (var file in Directory.GetFiles(temp))
            {
                var name = Path.GetFileName(file);
                var killedPack = quiescent && name.StartsWith(PackPrefix, StringComparison.Ordinal);
                var deletable = killedPack ||
                    (quiescent && name.EndsWith(".lock", StringComparison.Ordinal) && IsHex(Path.GetFileNameWithoutExtension(name))) ||
                    (quiescent && name.EndsWith(".parts", StringComparison.Ordinal) && IsHex(Path.GetFileNameWithoutExtension(name)) && !File.Exists(Path.ChangeExtension(file, ".partial"))) ||
                    (OrphanPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) && now - File.GetLastWriteTimeUtc(file) >= store.StaleTempAge);
                if (deletable && TryDeleteFile(file))
                {
                    if (killedPack)
                    {
                        log?.Invoke($"Removed '{name}', a layer an interrupted pack had written.");
                    }

                    removed++;
                }
            }
        }

        if (quiescent && Directory.Exists(store.SnapshotsDirectory))
        {
            foreach (var dir in Directory.GetDirectories(store.SnapshotsDirectory, SnapshotBuilder.TemporaryPrefix + "*"))
            {
                // Deletions run under the GC lock this caller holds, so a leftover one is dead at once.
                var dead = Path.GetFileName(dir).IndexOf("-deleting-", StringComparison.Ordinal) >= 0 || now - NewestChange(dir) >= store.StaleTempAge;
                if (dead && DirectoryTree.TryDelete(dir))
                {
                    log?.Invoke($"Removed the interrupted snapshot build '{Path.GetFileName(dir)}'.");
                    removed++;
                }
            }
        }

        return removed;
    }

    private static bool TryCleanPartial(ModelStore store, string partial, DateTime now, Action<string>? log)
    {
        var hex = Path.GetFileNameWithoutExtension(partial);
        if (!IsHex(hex))
        {
            return false;
        }

        FileLock blobLock;
        try
        {
            blobLock = FileLock.Acquire(Path.Combine(store.TempDirectory, hex + ".lock"), TimeSpan.Zero);
        }
        catch (ModelPackException ex) when (ex.ErrorId == ErrorIds.StoreLocked)
        {
            return false;
        }

        using (blobLock)
        {
            var algorithm = DigestAlgorithm.ForHexLength(hex.Length)!.Name;
            var finished = File.Exists(Path.Combine(store.Root, OciLayout.BlobsDirectoryName, algorithm, hex));
            var abandoned = now - File.GetLastWriteTimeUtc(partial) >= store.PartialRetention;
            if ((finished || abandoned) && TryDeleteFile(partial))
            {
                TryDeleteFile(Path.ChangeExtension(partial, ".parts"));
                log?.Invoke(finished
                    ? $"Removed the partial download of {algorithm}:{hex}: the blob is in the store."
                    : $"Removed the partial download of {algorithm}:{hex}: untouched for {store.PartialRetention.TotalDays:0.#} days.");
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The latest change inside a directory tree (directories only: adding or removing an entry changes its
    /// directory). Links are not followed: a half-extracted layer may hold 'd -&gt; .'.
    /// </summary>
    private static DateTime NewestChange(string dir)
    {
        var newest = Directory.GetLastWriteTimeUtc(dir);
        try
        {
            foreach (var entry in DirectoryTree.Walk(dir))
            {
                if (entry is DirectoryInfo sub && !DirectoryTree.IsLink(sub) && sub.LastWriteTimeUtc > newest)
                {
                    newest = sub.LastWriteTimeUtc;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return DateTime.UtcNow;
        }

        return newest;
    }

    private static bool IsHex(string name) =>
        DigestAlgorithm.ForHexLength(name.Length) is not null && name.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static bool TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
