using System;
using System.IO;
using System.Threading;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Store;

/// <summary>
/// Copies a snapshot's files to a folder the user owns (Save-ModelArtifact -Path). Always copies:
/// hard links would let an edit of the exported file corrupt the store's verified blob. Symbolic links
/// are copied as links with the same relative target, never followed: extraction checked that each one
/// stays inside the model, and following them would copy a directory once per link to it (<c>w/a -&gt; .</c>
/// and <c>w/b -&gt; .</c> make that exponential) or loop on <c>d -&gt; .</c>.
/// </summary>
public static class SnapshotExporter
{
    /// <summary>Copies every file and link; returns how many files were copied (links not counted).</summary>
    public static int Export(string snapshot, string destination, bool overwrite, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(snapshot))
        {
            throw new ModelPackException(ErrorIds.PathNotFound, ErrorKind.ObjectNotFound, $"The snapshot '{snapshot}' does not exist.", snapshot);
        }

        Directory.CreateDirectory(destination);
        var count = 0;
        var root = Path.GetFullPath(snapshot).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        foreach (var entry in DirectoryTree.Walk(root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = Path.Combine(destination, entry.FullName.Substring(root.Length));
            if (DirectoryTree.IsLink(entry))
            {
                PrepareTarget(target, overwrite);
                SymbolicLink.Create(target, SymbolicLink.ReadTarget(entry.FullName), entry is DirectoryInfo);
            }
            else if (entry is DirectoryInfo)
            {
                Directory.CreateDirectory(target);
            }
            else
            {
                PrepareTarget(target, overwrite);
                FileMaterializer.Copy(entry.FullName, target, cancellationToken);
                File.SetAttributes(target, FileAttributes.Normal);
                count++;
            }
        }

        return count;
    }

    /// <summary>Makes room for a file or link at <paramref name="target"/>: an existing file or link is replaced with -Force, else it is a conflict.</summary>
    private static void PrepareTarget(string target, bool overwrite)
    {
        FileAttributes attributes;
        try
        {
            attributes = File.GetAttributes(target);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            return;
        }

        var isLink = (attributes & FileAttributes.ReparsePoint) != 0;
        if (!overwrite || (!isLink && (attributes & FileAttributes.Directory) != 0))
        {
            throw new ModelPackException(ErrorIds.PathConflict, ErrorKind.ResourceUnavailable, $"'{target}' already exists; use -Force to overwrite it.", target);
        }

        if (isLink && NativeMethods.IsWindows && (attributes & FileAttributes.Directory) != 0)
        {
            Directory.Delete(target, false);
            return;
        }

        if (!isLink)
        {
            // Not for a link: on Unix that would change the mode of what it points at.
            File.SetAttributes(target, FileAttributes.Normal);
        }

        File.Delete(target);
    }
}
