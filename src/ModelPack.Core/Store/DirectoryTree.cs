using System;
using System.Collections.Generic;
using System.IO;

namespace ModelPack.Core.Store;

/// <summary>Walking and deleting trees without ever following links, and coping with read-only files.</summary>
internal static class DirectoryTree
{
    /// <summary>
    /// Every entry below <paramref name="root"/>, parents before their contents, in no particular order.
    /// Symbolic links and junctions are listed, never entered: a link to '.' would otherwise make the walk
    /// endless, and two of them exponential. The caller decides what a link means (copy it as a link, skip it).
    /// </summary>
    public static IEnumerable<FileSystemInfo> Walk(string root)
    {
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(root));
        while (pending.Count > 0)
        {
            foreach (var entry in pending.Pop().EnumerateFileSystemInfos())
            {
                yield return entry;
                if (entry is DirectoryInfo directory && !IsLink(entry))
                {
                    pending.Push(directory);
                }
            }
        }
    }

    /// <summary>A symbolic link or junction (whatever it points at, or nothing).</summary>
    public static bool IsLink(FileSystemInfo entry) => (entry.Attributes & FileAttributes.ReparsePoint) != 0;

    /// <summary>
    /// Deletes <paramref name="path"/> and everything under it. Symbolic links and junctions are removed
    /// as links, never entered, so a link to elsewhere cannot make this delete anything outside.
    /// </summary>
    public static void Delete(string path)
    {
        var root = new DirectoryInfo(path);
        if (!root.Exists)
        {
            return;
        }

        DeleteContents(root);
        ClearReadOnlyOnWindows(root);
        root.Delete(false);
    }

    /// <summary>Like <see cref="Delete"/> but swallows failures, for cleanup that must not hide the original error.</summary>
    public static bool TryDelete(string path)
    {
        try
        {
            Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void DeleteContents(DirectoryInfo directory)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            if (IsLink(entry))
            {
                DeleteLink(entry);
            }
            else if (entry is DirectoryInfo subdirectory)
            {
                DeleteContents(subdirectory);
                ClearReadOnlyOnWindows(subdirectory);
                subdirectory.Delete(false);
            }
            else
            {
                ClearReadOnlyOnWindows(entry);
                entry.Delete();
            }
        }
    }

    /// <summary>Windows refuses to delete read-only entries; Unix needs only write permission on the parent.</summary>
    private static void ClearReadOnlyOnWindows(FileSystemInfo entry)
    {
        if (NativeMethods.IsWindows && (entry.Attributes & FileAttributes.ReadOnly) != 0)
        {
            entry.Attributes &= ~FileAttributes.ReadOnly;
        }
    }

    private static void DeleteLink(FileSystemInfo link)
    {
        if (NativeMethods.IsWindows && link is DirectoryInfo directoryLink)
        {
            // A directory symlink or junction: removing it non-recursively removes only the link.
            directoryLink.Delete(false);
        }
        else
        {
            // unlink(2) removes the link itself whatever it points at.
            File.Delete(link.FullName);
        }
    }
}
