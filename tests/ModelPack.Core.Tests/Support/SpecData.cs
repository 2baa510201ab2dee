using System;
using System.IO;

namespace ModelPack.Core.Tests.Support;

/// <summary>Finds ../shared/spec (the spec's facts as data) from wherever the tests run.</summary>
public static class SpecData
{
    private static readonly Lazy<string> Dir = new(Locate);

    public static string Directory => Dir.Value;

    public static string PathOf(string file) => Path.Combine(Directory, file);

    public static byte[] Bytes(string file) => File.ReadAllBytes(PathOf(file));

    private static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("MODELPACK_SPEC_DIR");
        if (!string.IsNullOrEmpty(fromEnv) && System.IO.Directory.Exists(fromEnv))
        {
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "spec");
            if (File.Exists(Path.Combine(candidate, "media-types.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("shared/spec not found above " + AppContext.BaseDirectory + "; set MODELPACK_SPEC_DIR.");
    }
}
