using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelPack.Core.Layout;

namespace ModelPack.Core.Store;

/// <summary>
/// Marks the blobs an operation in progress needs, so a concurrent remove (in any process) does
/// not collect them. A pin is a file under tmp/pins held open with an exclusive lock for the
/// operation's lifetime: when the process dies the OS drops the lock and the pin is stale.
/// </summary>
internal sealed class PullPin : IDisposable
{
    private readonly FileLock _lock;
    private readonly string _listPath;

    private PullPin(FileLock fileLock, string listPath)
    {
        _lock = fileLock;
        _listPath = listPath;
    }

    public static PullPin Create(string pinsDirectory)
    {
        Directory.CreateDirectory(pinsDirectory);
        var id = Guid.NewGuid().ToString("n");
        var fileLock = FileLock.Acquire(Path.Combine(pinsDirectory, id + ".lock"), TimeSpan.FromSeconds(5));
        var list = Path.Combine(pinsDirectory, id + ".pin");
        File.WriteAllText(list, string.Empty);
        return new PullPin(fileLock, list);
    }

    /// <summary>Adds digests to the pin (appends; the file is only ever read whole by the collector).</summary>
    public void Add(IEnumerable<string> digests) =>
        File.AppendAllLines(_listPath, digests);

    /// <summary>Every digest pinned by a live operation; removes stale pins left by dead processes.</summary>
    public static HashSet<string> LiveDigests(string pinsDirectory)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(pinsDirectory))
        {
            return live;
        }

        foreach (var list in Directory.GetFiles(pinsDirectory, "*.pin"))
        {
            var lockPath = Path.ChangeExtension(list, ".lock");
            FileLock? probe = null;
            try
            {
                probe = FileLock.Acquire(lockPath, TimeSpan.Zero);
            }
            catch (Errors.ModelPackException)
            {
                // Held by a live operation: its digests stay.
                foreach (var line in ReadLines(list))
                {
                    live.Add(line);
                }

                continue;
            }

            using (probe)
            {
                AtomicFile.TryDelete(list);
            }

            AtomicFile.TryDelete(lockPath);
        }

        return live;
    }

    public void Dispose()
    {
        AtomicFile.TryDelete(_listPath);
        var lockPath = _lock.Path;
        _lock.Dispose();
        AtomicFile.TryDelete(lockPath);
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        }
        catch (IOException)
        {
            return Array.Empty<string>();
        }
    }
}
