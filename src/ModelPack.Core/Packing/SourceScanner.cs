using System;
using ModelPack.Core.Globbing;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Packing;

/// <summary>
/// Walks a source folder and decides, without reading any content, which files a pack takes, as which
/// kind, in which layers. Every hostile or unpackable input is found here, before anything is written:
/// links leading out of the folder, names consumers would refuse, names that collide once case and
/// Unicode normalisation are ignored, named pipes, sockets and devices (whose reading blocks or never
/// ends), unreadable files, empty weights, unclassified files (when they are an error) and an empty result. Each is reported with every offending path at once.
/// </summary>
internal sealed class SourceScanner
{
    private readonly PackRequest _request;
    private readonly string _root;
    private readonly string? _realRoot;
    private readonly IReadOnlyList<PathGlob> _include;
    private readonly IReadOnlyList<PathGlob> _exclude;
    private readonly IReadOnlyList<(PathGlob Pattern, LayerKind Kind)> _overrides;
    private readonly IReadOnlyList<string> _datasets;
    private readonly SortedDictionary<string, string> _skipped = new(StringComparer.Ordinal);
    private readonly List<(string Path, string Target)> _linksOutside = new();
    private readonly List<(string Path, string Reason)> _unsafeNames = new();
    private readonly List<(string Path, string Reason)> _unreadable = new();
    private readonly List<(string Path, SourceFileType Type, string? LinkTarget)> _special = new();
    private readonly List<string> _emptyWeights = new();
    private readonly List<string> _unclassified = new();
    private readonly List<(string First, string Second)> _collisions = new();
    private readonly Dictionary<string, (string Path, bool IsDirectory)> _claimed = new(StringComparer.Ordinal);
    private readonly List<PlannedFile> _files = new();
    private readonly HashSet<PathGlob> _usedOverrides = new();

    private SourceScanner(PackRequest request, string root)
    {
        _request = request;
        _root = root;
        _realRoot = SourceFiles.RealPath(root);
        _include = PathGlob.ParseAll(request.Include, "Include");
        _exclude = PathGlob.ParseAll(request.Exclude, "Exclude");
        _overrides = request.KindOverrides.Select(o => (PathGlob.Parse(o.Key, "kind override"), o.Value)).ToList();
        _datasets = request.Datasets.Select(d => DatasetPath(root, d)).Distinct(StringComparer.Ordinal).ToList();
    }

    public static PackPlan Scan(PackRequest request)
    {
        var root = Path.GetFullPath(request.SourcePath);
        if (!Directory.Exists(root))
        {
            throw PackErrors.SourceNotAFolder(root, File.Exists(root));
        }

        foreach (var kind in request.Packing.Keys)
        {
            if (kind == LayerKind.Weight && request.Packing[kind] != LayerPacking.Raw)
            {
                throw PackErrors.Option($"Weights are always packed raw (one file per layer): a tar around them saves nothing and podman cannot mount them. Remove the {request.Packing[kind]} packing for weights.", kind);
            }
        }

        var scanner = new SourceScanner(request, root);
        scanner.Walk(new DirectoryInfo(root), string.Empty);
        return scanner.Finish();
    }

    private static string DatasetPath(string root, string path)
    {
        var relative = (path ?? string.Empty).Replace('\\', '/').Normalize(NormalizationForm.FormC);
        if (!LayerPath.TryNormalize(relative, out var normalized, out var error))
        {
            throw PackErrors.Option($"The dataset path '{path}' is not a relative path inside the model folder: {error}", path);
        }

        var full = Path.Combine(root, normalized.Replace('/', Path.DirectorySeparatorChar));
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw PackErrors.DatasetMissing(path, root);
        }

        return normalized;
    }

    private void Walk(DirectoryInfo directory, string prefix)
    {
        FileSystemInfo[] entries;
        try
        {
            entries = directory.GetFileSystemInfos();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            _unreadable.Add((prefix.Length == 0 ? "." : prefix.TrimEnd('/'), "the directory cannot be listed: " + ex.Message));
            return;
        }

        foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var relative = prefix + entry.Name;
            if (!_request.IncludeHidden && entry.Name.StartsWith(".", StringComparison.Ordinal))
            {
                _skipped[relative] = "hidden (its name starts with '.')";
                continue;
            }

            if ((entry.Attributes & FileAttributes.ReparsePoint) != 0)
            {
                VisitLink(entry, relative);
            }
            else if (entry is DirectoryInfo subdirectory)
            {
                Walk(subdirectory, relative + "/");
            }
            else
            {
                VisitFile(entry.FullName, relative);
            }
        }
    }

    private void VisitLink(FileSystemInfo link, string relative)
    {
        // Include picks files, so it applies to a link to a file (or to nothing); a link to a directory is
        // never followed, and only Exclude spares it the refusal below.
        var isDirectory = Directory.Exists(link.FullName);
        if (LeftOut(relative.Normalize(NormalizationForm.FormC), applyInclude: !isDirectory))
        {
            return;
        }

        var target = SourceFiles.RealPath(link.FullName);
        var inside = target is not null && _realRoot is not null && SourceFiles.IsUnder(target, _realRoot);
        if (target is null && !NativeWindowsLink())
        {
            _unreadable.Add((relative, "it is a symbolic link whose target does not exist (or loops)."));
            return;
        }

        if (isDirectory)
        {
            if (inside)
            {
                _skipped[relative] = $"a link to a directory inside the folder ({target}); its files are packed where they really are";
            }
            else
            {
                _linksOutside.Add((relative, target ?? "(a directory link)"));
            }

            return;
        }

        if (!inside && !_request.FollowLinksOutside)
        {
            _linksOutside.Add((relative, target ?? "(a link that cannot be resolved on this platform)"));
            return;
        }

        VisitFile(link.FullName, relative, target);
    }

    private static bool NativeWindowsLink() => Store.NativeMethods.IsWindows;

    private void VisitFile(string fullPath, string rawRelative, string? linkTarget = null)
    {
        var relative = rawRelative.Normalize(NormalizationForm.FormC);
        if (LeftOut(relative, applyInclude: true))
        {
            return;
        }

        if (!LayerPath.TryNormalize(relative, out var normalized, out var error))
        {
            _unsafeNames.Add((rawRelative, error));
            return;
        }

        if (!Claim(normalized))
        {
            return;
        }

        var kind = Classify(normalized, out var untested, out var datasetRoot);
        if (kind is null)
        {
            return;
        }

        // Before the open below: opening a named pipe for reading waits for a writer, forever.
        var type = SourceFiles.TypeOf(fullPath);
        if (type is not (SourceFileType.RegularFile or SourceFileType.Unknown))
        {
            _special.Add((normalized, type, linkTarget));
            return;
        }

        if (SizeOf(fullPath, normalized) is not long size)
        {
            return;
        }

        if (kind == LayerKind.Weight && size == 0)
        {
            _emptyWeights.Add(normalized);
            return;
        }

        _files.Add(new PlannedFile(normalized, fullPath, kind.Value, size)
        {
            Untested = untested,
            Executable = SourceFiles.IsExecutable(fullPath),
            ModificationTime = ModificationTimeOf(fullPath),
            DatasetRoot = datasetRoot,
        });
    }

    /// <summary>The file's size, opened as a pack will open it; null (recorded as unreadable) when it cannot be.</summary>
    private long? SizeOf(string fullPath, string normalized)
    {
        try
        {
            using var probe = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            return probe.Length;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            _unreadable.Add((normalized, ex.Message));
            return null;
        }
    }

    private DateTimeOffset ModificationTimeOf(string fullPath) =>
        _request.PreserveModificationTimes
            ? TruncateToSeconds(new DateTimeOffset(File.GetLastWriteTimeUtc(fullPath), TimeSpan.Zero))
            : TruncateToSeconds(_request.ModificationTime ?? PackRequest.DefaultModificationTime);

    /// <summary>Whether Include (when it applies) or Exclude leaves <paramref name="relative"/> (NFC) out; records why.</summary>
    private bool LeftOut(string relative, bool applyInclude)
    {
        if (applyInclude && _include.Count > 0 && !_include.Any(p => p.Matches(relative)))
        {
            _skipped[relative] = "not included";
            return true;
        }

        var excludedBy = _exclude.FirstOrDefault(p => p.Matches(relative));
        if (excludedBy is not null)
        {
            _skipped[relative] = $"excluded by '{excludedBy}'";
            return true;
        }

        return false;
    }

    /// <summary>
    /// Registers the file and its parent directories under a case-blind key (paths are already NFC); false
    /// when the file collides with another file, or a file with a directory.
    /// </summary>
    private bool Claim(string path)
    {
        var segments = path.Split('/');
        for (var i = 1; i <= segments.Length; i++)
        {
            var part = string.Join("/", segments, 0, i);
            var isDirectory = i < segments.Length;
            var key = part.ToUpperInvariant();
            if (_claimed.TryGetValue(key, out var existing))
            {
                if (existing.IsDirectory && isDirectory)
                {
                    // Directories that differ only in case merge harmlessly where case is folded.
                    continue;
                }

                _collisions.Add((existing.Path, part));
                return false;
            }

            _claimed[key] = (part, isDirectory);
        }

        return true;
    }

    private LayerKind? Classify(string path, out bool untested, out string? datasetRoot)
    {
        untested = false;
        datasetRoot = _datasets.Where(d => path == d || path.StartsWith(d + "/", StringComparison.Ordinal)).OrderBy(d => d.Length).FirstOrDefault();
        var overrides = _overrides.Where(o => o.Pattern.Matches(path)).ToList();
        foreach (var o in overrides)
        {
            _usedOverrides.Add(o.Pattern);
        }

        var kinds = overrides.Select(o => o.Kind).Distinct().ToList();
        if (kinds.Count > 1)
        {
            throw PackErrors.Option($"The kind overrides {string.Join(", ", overrides.Select(o => $"'{o.Pattern}' = {o.Kind}"))} all match '{path}' and disagree. Make the patterns more specific.", path);
        }

        if (kinds.Count == 1)
        {
            if (kinds[0] != LayerKind.Dataset)
            {
                datasetRoot = null;
            }

            return kinds[0];
        }

        if (datasetRoot is not null)
        {
            return LayerKind.Dataset;
        }

        if (FileClassifier.Classify(path) is LayerKind kind)
        {
            return kind;
        }

        switch (_request.UnclassifiedFiles)
        {
            case UnclassifiedFileHandling.Skip:
                _skipped[path] = "unclassified (no rule gives it a kind)";
                return null;
            case UnclassifiedFileHandling.Error:
                _unclassified.Add(path);
                return null;
            default:
                untested = true;
                return LayerKind.Doc;
        }
    }

    private PackPlan Finish()
    {
        if (_linksOutside.Count > 0)
        {
            throw PackErrors.LinksOutside(_root, _linksOutside);
        }

        if (_unsafeNames.Count > 0)
        {
            throw PackErrors.UnsafeNames(_root, _unsafeNames);
        }

        if (_collisions.Count > 0)
        {
            throw PackErrors.Collisions(_root, _collisions);
        }

        if (_special.Count > 0)
        {
            throw PackErrors.SpecialFiles(_root, _special);
        }

        if (_unreadable.Count > 0)
        {
            throw PackErrors.Unreadable(_root, _unreadable);
        }

        if (_emptyWeights.Count > 0)
        {
            throw PackErrors.EmptyWeights(_root, _emptyWeights);
        }

        if (_unclassified.Count > 0)
        {
            throw PackErrors.Unclassified(_root, _unclassified);
        }

        if (_files.Count == 0)
        {
            throw PackErrors.EmptyFolder(_root, _skipped.Count);
        }

        var unusedOverrides = _overrides.Where(o => !_usedOverrides.Contains(o.Pattern)).Select(o => $"The kind override '{o.Pattern}' = {o.Kind} matched no file.");
        return PackPlanBuilder.Build(_request, _root, _files, _skipped, unusedOverrides);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
