using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Store;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Hostile;

/// <summary>
/// Links inside a snapshot that point back up (<c>d -&gt; .</c>, and <c>w/a -&gt; .</c> beside <c>w/b -&gt; .</c>,
/// which makes a following walk exponential) are legal (they stay inside), so nothing that walks a snapshot or the
/// store may follow them: export copies them as links, and the temp cleaner removes what a killed extraction left.
/// </summary>
public sealed class LinkTests : HostileStoreTestBase
{
    public LinkTests(PlainRegistryFixture fixture)
        : base(fixture)
    {
    }

    public static TheoryData<string> LinkSets => new() { "d -> .", "w/a -> . and w/b -> ." };

    [Theory]
    [MemberData(nameof(LinkSets))]
    public async Task Export_copies_links_as_links_and_every_file_once(string links)
    {
        var result = await PullAsync(await PushAsync(NewRepository("links"), ModelWithLinks(links)));
        var destination = Root.File("export");

        var count = SnapshotExporter.Export(result.Artifact.Path!, destination, overwrite: false);

        Assert.Equal(2, count);
        Assert.Equal("weights", File.ReadAllText(Path.Combine(destination, "model.gguf")));
        Assert.Equal("notes", File.ReadAllText(Path.Combine(destination, "docs", "notes.txt")));
        foreach (var link in Links(links))
        {
            Assert.Equal(".", new FileInfo(Path.Combine(destination, link)).LinkTarget);
        }

        Assert.Equal(count, Shell.Run("find", destination, "-type", "f").Split('\n').Length);
        Assert.Equal(2, SnapshotExporter.Export(result.Artifact.Path!, destination, overwrite: true));
    }

    [Theory]
    [MemberData(nameof(LinkSets))]
    public async Task The_temp_cleaner_removes_an_interrupted_build_holding_such_links(string links)
    {
        // What a kill -9 during extraction leaves: a .tmp- build directory with the links already placed.
        var build = Path.Combine(Store.SnapshotsDirectory, SnapshotBuilder.TemporaryPrefix + new string('a', 64) + "-0123456789ab");
        var old = DateTime.UtcNow - TimeSpan.FromHours(2);
        foreach (var link in Links(links))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(build, link))!);
            File.CreateSymbolicLink(Path.Combine(build, link), ".");
            Directory.SetLastWriteTimeUtc(Path.GetDirectoryName(Path.Combine(build, link))!, old);
        }

        Directory.SetLastWriteTimeUtc(build, old);

        // A walk that follows w/a and w/b never ends (2^40 paths before ELOOP): guard the test against hanging.
        await Task.Run(Store.CollectGarbage).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(Directory.Exists(build));
    }

    private static string[] Links(string set) => set == "d -> ." ? new[] { "docs/d" } : new[] { "w/a", "w/b" };

    /// <summary>A raw weight file and a tar layer holding a file and the links of the set.</summary>
    private static TestArtifact ModelWithLinks(string set)
    {
        var symlinks = Links(set).ToDictionary(l => l, _ => ".");
        var tar = ArtifactBuilder.TarBytes(new Dictionary<string, byte[]> { ["docs/notes.txt"] = "notes"u8.ToArray() }, symlinks);
        var weights = "weights"u8.ToArray();
        return TestArtifact.FromLayers(
            "links",
            (new Descriptor(LayerMediaType.Format(LayerKind.Weight, LayerPacking.Raw), Digest.Sha256(weights).ToString(), weights.Length, new Dictionary<string, string> { [AnnotationKeys.Filepath] = "model.gguf" }), weights),
            (new Descriptor(LayerMediaType.Format(LayerKind.Doc, LayerPacking.Tar), Digest.Sha256(tar).ToString(), tar.Length, new Dictionary<string, string> { [AnnotationKeys.Filepath] = "docs" }), tar));
    }
}
