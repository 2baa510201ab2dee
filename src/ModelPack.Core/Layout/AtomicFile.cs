using System.IO;

namespace ModelPack.Core.Layout;

/// <summary>Publishing a finished temp file under its final name in one rename, so readers never see a partial file.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="bytes"/> to a temp file in <paramref name="tempDirectory"/> (same volume), flushes it to disk
    /// (unless <paramref name="flushToDisk"/> is false: for files that may be lost), and renames it over <paramref name="destination"/>.
    /// </summary>
    public static void Write(string destination, byte[] bytes, string tempDirectory, string tempPrefix, bool flushToDisk = true)
    {
        Directory.CreateDirectory(tempDirectory);
        var temp = TempPath(tempDirectory, tempPrefix);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes, 0, bytes.Length);
                file.Flush(flushToDisk);
            }

            MoveOver(temp, destination);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/>, replacing it if present (rename(2) on Unix).</summary>
    public static void MoveOver(string source, string destination)
    {
        if (!File.Exists(destination))
        {
            try
            {
                File.Move(source, destination);
                return;
            }
            catch (IOException) when (File.Exists(destination))
            {
                // Another writer published the same name first: replace it below.
            }
        }

        File.Replace(source, destination, destinationBackupFileName: null);
    }

    public static string TempPath(string tempDirectory, string prefix) =>
        Path.Combine(tempDirectory, prefix + System.Guid.NewGuid().ToString("N"));

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file is harmless and never visible as a blob.
        }
        catch (System.UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
