using System;
using System.IO;
using System.Linq;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Spec;

/// <summary>tests/spec, the repository's copy of ../shared/spec that a lone clone tests with, must not drift from it.</summary>
public sealed class SpecDataCopyTests
{
    [Fact]
    public void The_repository_copy_holds_the_same_files_as_shared_spec_byte_for_byte()
    {
        var copy = SpecData.RepositoryCopy;
        var copied = Directory.GetFiles(copy, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("media-types.json", copied);
        Assert.Contains("config-vectors.json", copied);
        if (SpecData.SharedDirectory is not string shared)
        {
            // A lone clone: nothing to compare with; the copy is what the spec tests read.
            Assert.Equal(Path.GetFullPath(copy), Path.GetFullPath(SpecData.Directory));
            return;
        }

        var originals = Directory.GetFiles(shared, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(originals, copied);
        foreach (var name in originals)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(shared, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(copy, name!))),
                $"tests/spec/{name} differs from {shared}/{name}: copy it again (see tests/spec/README.md).");
        }
    }
}
