using System;
using System.Collections.Generic;
using System.IO;
using ModelPack.Core.Configuration;

namespace ModelPack.Core.Engines;

/// <summary>
/// Finds an executable the way a shell does: a value with a directory part is a path (relative to the
/// current directory); a bare name is searched in PATH, trying PATHEXT extensions on Windows.
/// Empty PATH entries are skipped rather than meaning "the current directory", which would let a
/// file dropped in the working directory stand in for podman.
/// </summary>
public static class ExecutableSearch
{
    private const string DefaultPathExt = ".COM;.EXE;.BAT;.CMD";
    private static readonly char[] Semicolon = { ';' };

    /// <summary>The full path of the executable, or null when there is none.</summary>
    public static string? Find(string nameOrPath, HostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath))
        {
            throw new ArgumentException("An executable name or path is required.", nameof(nameOrPath));
        }

        if (environment is null)
        {
            throw new ArgumentNullException(nameof(environment));
        }

        if (HasDirectoryPart(nameOrPath, environment.IsWindows))
        {
            return FirstExisting(Path.Combine(environment.CurrentDirectory, nameOrPath), environment);
        }

        foreach (var directory in SearchDirectories(environment))
        {
            string candidate;
            try
            {
                candidate = Path.Combine(directory, nameOrPath);
            }
            catch (ArgumentException)
            {
                continue; // a PATH entry with characters the platform rejects cannot hold anything
            }

            if (FirstExisting(candidate, environment) is string found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>The PATH directories searched, in order, for messages.</summary>
    public static IReadOnlyList<string> SearchDirectories(HostEnvironment environment)
    {
        if (environment is null)
        {
            throw new ArgumentNullException(nameof(environment));
        }

        var separator = environment.IsWindows ? ';' : ':';
        var result = new List<string>();
        foreach (var entry in (environment.Get("PATH") ?? string.Empty).Split(separator))
        {
            var directory = environment.IsWindows ? entry.Trim().Trim('"') : entry;
            if (directory.Length > 0)
            {
                result.Add(directory);
            }
        }

        return result;
    }

    private static bool HasDirectoryPart(string value, bool isWindows) =>
        value.IndexOf('/') >= 0 || (isWindows && (value.IndexOf('\\') >= 0 || value.IndexOf(':') >= 0));

    private static string? FirstExisting(string candidate, HostEnvironment environment)
    {
        foreach (var file in Candidates(candidate, environment))
        {
            if (File.Exists(file))
            {
                return Path.GetFullPath(file);
            }
        }

        return null;
    }

    private static IEnumerable<string> Candidates(string path, HostEnvironment environment)
    {
        if (!environment.IsWindows)
        {
            yield return path;
            yield break;
        }

        var extensions = (environment.Get("PATHEXT") ?? DefaultPathExt).Split(Semicolon, StringSplitOptions.RemoveEmptyEntries);
        var extension = Path.GetExtension(path);
        if (extension.Length > 0 && Array.Exists(extensions, e => string.Equals(e.Trim(), extension, StringComparison.OrdinalIgnoreCase)))
        {
            yield return path;
            yield break;
        }

        foreach (var candidateExtension in extensions)
        {
            yield return path + candidateExtension.Trim().ToLowerInvariant();
        }
    }
}
