using System;
using System.IO;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// Finds the spec's facts as data: MODELPACK_SPEC_DIR, else ../shared/spec above the test binaries (the
/// workplace's copy, authoritative), else tests/spec, the repository's own copy of it (a lone clone).
/// </summary>
public static class SpecData
{
    private static readonly Lazy<string> Dir = new(Locate);

    public static string Directory => Dir.Value;

    /// <summary>../shared/spec, or null when the repository was cloned on its own.</summary>
    public static string? SharedDirectory => FindAbove(Path.Combine("shared", "spec"));

    /// <summary>tests/spec in this repository.</summary>
    public static string RepositoryCopy => FindAbove(Path.Combine("tests", "spec"))
        ?? throw new InvalidOperationException("tests/spec not found above " + AppContext.BaseDirectory + ".");

    public static string PathOf(string file) => Path.Combine(Directory, file);

    public static byte[] Bytes(string file) => File.ReadAllBytes(PathOf(file));

    private static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("MODELPACK_SPEC_DIR");
        if (!string.IsNullOrEmpty(fromEnv) && System.IO.Directory.Exists(fromEnv))
        {
            return fromEnv;
        }

        return SharedDirectory ?? RepositoryCopy;
    }

    private static string? FindAbove(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(Path.Combine(candidate, "media-types.json")))
            {
                return candidate;
            }
        }

        return null;
    }
}
