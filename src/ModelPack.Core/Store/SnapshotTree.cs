using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>
/// The snapshot being built, as a map of every path this process created under <see cref="Root"/>.
/// All placement decisions (collisions, writing through links, where a link really points) are made
/// against this map rather than by asking the file system, so nothing a layer contains can trick a
/// check by racing it or by following a link. Paths are normalised, '/'-separated and relative.
/// </summary>
internal sealed class SnapshotTree
{
    private const int MaxSymbolicLinkHops = 40;

    private readonly Dictionary<string, Node> nodes = new(PathComparer);
    private readonly string rootWithSeparator;

    public SnapshotTree(string root)
    {
        Root = Path.GetFullPath(root);
        rootWithSeparator = Root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal)
            ? Root
            : Root + Path.DirectorySeparatorChar;
    }

    private enum NodeKind
    {
        Directory,
        File,
        SymbolicLink,
    }

    /// <summary>Linux names are case-sensitive; Windows and (by default) macOS fold case, so "A" and "a" collide there.</summary>
    public static StringComparer PathComparer { get; } =
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    public string Root { get; }

    /// <summary>The one place registry-supplied paths are checked; swap in Spec/LayerPath when it lands.</summary>
    public static bool TryNormalize(string? path, out string normalized, out string error) =>
        LayerPath.TryNormalize(path, out normalized, out error);

    public void AddDirectory(string relative, string layerDigest, string entryName)
    {
        CreateParents(relative, layerDigest, entryName);
        if (nodes.TryGetValue(relative, out var existing))
        {
            switch (existing.Kind)
            {
                case NodeKind.Directory:
                    return;
                case NodeKind.SymbolicLink:
                    throw SnapshotErrors.Unsafe(layerDigest, entryName, $"'{relative}' is already a symbolic link, and a directory there would be reached through it.");
                default:
                    throw SnapshotErrors.Conflict(layerDigest, relative, $"layer {existing.LayerDigest} already put a file (it cannot also be a directory).");
            }
        }

        Directory.CreateDirectory(FullPath(relative, layerDigest, entryName));
        nodes.Add(relative, new Node(NodeKind.Directory, layerDigest, entryName));
    }

    /// <summary>Claims <paramref name="relative"/> for a new regular file and returns where to write it.</summary>
    public string ReserveFile(string relative, bool executable, string layerDigest, string entryName)
    {
        CreateParents(relative, layerDigest, entryName);
        if (nodes.TryGetValue(relative, out var existing))
        {
            throw existing.Kind switch
            {
                NodeKind.SymbolicLink => SnapshotErrors.Unsafe(layerDigest, entryName, $"'{relative}' is already a symbolic link, and writing the file would write through it."),
                NodeKind.Directory => SnapshotErrors.Conflict(layerDigest, relative, $"layer {existing.LayerDigest} already made a directory."),
                _ => SnapshotErrors.Conflict(layerDigest, relative, $"layer {existing.LayerDigest} already put a file."),
            };
        }

        var full = FullPath(relative, layerDigest, entryName);
        nodes.Add(relative, new Node(NodeKind.File, layerDigest, entryName) { Executable = executable });
        return full;
    }

    /// <summary>The full path of a regular file already placed in this snapshot: the only valid hard-link target.</summary>
    public string ExistingFile(string relative, string layerDigest, string entryName, out bool executable)
    {
        if (!nodes.TryGetValue(relative, out var existing) || existing.Kind != NodeKind.File)
        {
            throw SnapshotErrors.Unsafe(layerDigest, entryName, $"it is a hard link to '{relative}', which is not a regular file placed earlier in this model.");
        }

        executable = existing.Executable;
        return FullPath(relative, layerDigest, entryName);
    }

    public bool IsFile(string relative) => nodes.TryGetValue(relative, out var node) && node.Kind == NodeKind.File;

    /// <summary>
    /// Creates a symbolic link whose <paramref name="target"/> is relative to the link's directory and,
    /// following the links already placed, stays inside the snapshot.
    /// </summary>
    public void AddSymbolicLink(string relative, string target, string layerDigest, string entryName)
    {
        var problem = TargetSyntaxProblem(target);
        if (problem is not null)
        {
            throw SnapshotErrors.Unsafe(layerDigest, entryName, $"it is a symbolic link to '{target}', which {problem}");
        }

        if (!TryResolve(relative, target, out var resolved))
        {
            throw SnapshotErrors.Unsafe(layerDigest, entryName, $"it is a symbolic link to '{target}', which resolves outside the model.");
        }

        CreateParents(relative, layerDigest, entryName);
        if (nodes.TryGetValue(relative, out var existing))
        {
            throw SnapshotErrors.Conflict(layerDigest, relative, $"layer {existing.LayerDigest} already put a {Describe(existing.Kind)}.");
        }

        var full = FullPath(relative, layerDigest, entryName);
        var targetIsDirectory = nodes.TryGetValue(resolved, out var targetNode) && targetNode.Kind == NodeKind.Directory;
        SymbolicLink.Create(full, target, targetIsDirectory);
        nodes.Add(relative, new Node(NodeKind.SymbolicLink, layerDigest, entryName) { LinkTarget = target });
    }

    /// <summary>
    /// Re-checks every link against the finished tree: a link placed later can change where an earlier
    /// one leads (<c>a/up -&gt; ..</c> makes <c>z -&gt; a/up/..</c> leave the model).
    /// </summary>
    public void ValidateSymbolicLinks()
    {
        foreach (var pair in nodes)
        {
            var node = pair.Value;
            if (node.Kind == NodeKind.SymbolicLink && !TryResolve(pair.Key, node.LinkTarget!, out _))
            {
                throw SnapshotErrors.Unsafe(
                    node.LayerDigest,
                    node.EntryName,
                    $"it is a symbolic link to '{node.LinkTarget}', which, following the model's other links, resolves outside the model or loops.");
            }
        }
    }

    private static string Describe(NodeKind kind) => kind switch
    {
        NodeKind.Directory => "directory",
        NodeKind.SymbolicLink => "symbolic link",
        _ => "file",
    };

    private static string? TargetSyntaxProblem(string target)
    {
        if (target.Length == 0)
        {
            return "is empty.";
        }

        if (target[0] == '/' || target[0] == '\\')
        {
            return "is absolute.";
        }

        if (target.IndexOf(':') >= 0)
        {
            return "contains ':' (a drive or stream on Windows).";
        }

        if (target.IndexOf('\\') >= 0)
        {
            return "contains '\\', a separator on Windows but a name character on Unix.";
        }

        for (var i = 0; i < target.Length; i++)
        {
            if (char.IsControl(target[i]))
            {
                return "contains a control character.";
            }

            if (DisplayText.IsFormatCharacter(target, i))
            {
                return "contains an invisible format character (such as a right-to-left override).";
            }
        }

        return null;
    }

    /// <summary>
    /// Where <paramref name="target"/>, read from the directory of <paramref name="linkRelative"/>, leads once
    /// the links in this tree are followed. False when it climbs above the root or loops.
    /// </summary>
    private bool TryResolve(string linkRelative, string target, out string resolved)
    {
        resolved = string.Empty;
        var current = new List<string>(linkRelative.Split('/'));
        current.RemoveAt(current.Count - 1);
        var pending = new Stack<string>();
        PushReversed(pending, target);
        var hops = 0;
        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (current.Count == 0)
                {
                    return false;
                }

                current.RemoveAt(current.Count - 1);
                continue;
            }

            current.Add(segment);
            if (nodes.TryGetValue(string.Join("/", current), out var node) && node.Kind == NodeKind.SymbolicLink)
            {
                if (++hops > MaxSymbolicLinkHops)
                {
                    return false;
                }

                current.RemoveAt(current.Count - 1);
                PushReversed(pending, node.LinkTarget!);
            }
        }

        resolved = string.Join("/", current);
        return true;
    }

    private static void PushReversed(Stack<string> pending, string path)
    {
        var segments = path.Split('/');
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            pending.Push(segments[i]);
        }
    }

    /// <summary>Creates missing parent directories, refusing parents that are links (writing through them) or files.</summary>
    private void CreateParents(string relative, string layerDigest, string entryName)
    {
        var slash = relative.IndexOf('/');
        while (slash > 0)
        {
            var parent = relative.Substring(0, slash);
            if (nodes.TryGetValue(parent, out var existing))
            {
                if (existing.Kind == NodeKind.SymbolicLink)
                {
                    throw SnapshotErrors.Unsafe(layerDigest, entryName, $"its parent '{parent}' is a symbolic link, and writing through a link could reach outside the model.");
                }

                if (existing.Kind == NodeKind.File)
                {
                    throw SnapshotErrors.Conflict(layerDigest, relative, $"'{parent}' is a file from layer {existing.LayerDigest}, not a directory.");
                }
            }
            else
            {
                Directory.CreateDirectory(FullPath(parent, layerDigest, entryName));
                nodes.Add(parent, new Node(NodeKind.Directory, layerDigest, entryName));
            }

            slash = relative.IndexOf('/', slash + 1);
        }
    }

    /// <summary>Joins under the root; a normalised path cannot leave it, and this re-checks that anyway.</summary>
    private string FullPath(string relative, string layerDigest, string entryName)
    {
        var full = Path.GetFullPath(Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar)));
        var comparison = PathComparer == StringComparer.Ordinal ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (!full.StartsWith(rootWithSeparator, comparison))
        {
            throw SnapshotErrors.Unsafe(layerDigest, entryName, "it resolves outside the snapshot directory.");
        }

        return full;
    }

    private sealed class Node
    {
        public Node(NodeKind kind, string layerDigest, string entryName)
        {
            Kind = kind;
            LayerDigest = layerDigest;
            EntryName = entryName;
        }

        public NodeKind Kind { get; }

        public string LayerDigest { get; }

        public string EntryName { get; }

        public bool Executable { get; set; }

        public string? LinkTarget { get; set; }
    }
}
