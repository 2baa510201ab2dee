using System;
using System.IO;
using System.Threading;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Store;

/// <summary>
/// Copies a snapshot's files to a folder the user owns (Save-ModelArtifact -Path). Always copies:
/// hard links would let an edit of the exported file corrupt the store's verified blob.
/// </summary>
public static class SnapshotExporter
{
    public static int Export(string snapshot, string destination, bool overwrite, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(snapshot))
        {
            throw new ModelPackException(ErrorIds.PathNotFound, ErrorKind.ObjectNotFound, $"The snapshot '{snapshot}' does not exist.", snapshot);
        }

        Directory.CreateDirectory(destination);
        var count = 0;
        var root = Path.GetFullPath(snapshot).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = file.Substring(root.Length);
            var target = Path.Combine(destination, relative);
            if (File.Exists(target) && !overwrite)
            {
                throw new ModelPackException(ErrorIds.PathConflict, ErrorKind.ResourceUnavailable, $"'{target}' already exists; use -Force to overwrite it.", target);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (File.Exists(target))
            {
                File.SetAttributes(target, FileAttributes.Normal);
                File.Delete(target);
            }

            FileMaterializer.Copy(file, target, cancellationToken);
            File.SetAttributes(target, FileAttributes.Normal);
            count++;
        }

        return count;
    }
}
