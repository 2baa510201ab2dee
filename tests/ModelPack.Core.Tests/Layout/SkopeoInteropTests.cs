using System;
using System.IO;
using System.Linq;
using System.Text;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Layout;

/// <summary>Layouts exchanged with the real skopeo (1.9.3 here), in both directions.</summary>
public sealed class SkopeoInteropTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Skopeo_copies_a_layout_we_wrote_and_we_read_the_copy_back_identically()
    {
        var source = OciLayout.Create(_temp.Sub("a"));
        var artifact = TestArtifact.Write(source);
        source.SetReference("t", artifact.Descriptor);

        Skopeo.Run("copy", "--preserve-digests", "oci:" + source.Root + ":t", "oci:" + _temp.Sub("b") + ":t");

        var copy = OciLayout.Open(_temp.Sub("b"));
        var entry = Assert.Single(copy.ReadEntries());
        Assert.Equal("t", entry.RefName);
        Assert.Equal(artifact.Manifest.Digest, entry.Digest);
        Assert.Equal(artifact.Manifest.ToBytes(), entry.Manifest.ToBytes());
        Assert.Equal(artifact.Manifest.ToBytes(), copy.ReadBlob(entry.Descriptor));
        foreach (var (digest, bytes) in artifact.Blobs)
        {
            Assert.Equal(bytes, copy.ReadBlob(digest, bytes.Length));
        }
    }

    [Fact]
    public void Skopeo_reads_the_manifest_we_tagged()
    {
        var layout = OciLayout.Create(_temp.Sub("a"));
        var artifact = TestArtifact.Write(layout);
        layout.SetReference("registry.example.com/org/tiny:v1", artifact.Descriptor);

        var raw = Skopeo.Run("inspect", "--raw", "oci:" + layout.Root + ":registry.example.com/org/tiny:v1");

        Assert.Equal(Encoding.UTF8.GetString(artifact.Manifest.ToBytes()), raw.TrimEnd('\n'));
    }

    [Fact]
    public void A_layout_skopeo_wrote_from_scratch_reads_back_verified()
    {
        var artifact = TestArtifact.Write(OciLayout.Create(_temp.Sub("scratch")));
        var dir = _temp.Sub("dir-transport");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "version"), "Directory Transport Version: 1.1\n");
        File.WriteAllBytes(Path.Combine(dir, "manifest.json"), artifact.Manifest.ToBytes());
        foreach (var (digest, bytes) in artifact.Blobs.Where(b => b.Digest != artifact.Manifest.Digest))
        {
            File.WriteAllBytes(Path.Combine(dir, digest.Substring("sha256:".Length)), bytes);
        }

        var target = _temp.Sub("by-skopeo");
        Skopeo.Run("copy", "--preserve-digests", "dir:" + dir, "oci:" + target + ":fromdir");

        Assert.False(Directory.Exists(Path.Combine(target, "tmp")));
        var layout = OciLayout.Open(target);
        var entry = Assert.Single(layout.ReadEntries());
        Assert.Equal("fromdir", entry.RefName);
        Assert.Equal(artifact.Manifest.Digest, entry.Digest);
        Assert.Equal(2, entry.Manifest.Layers.Count);
        Assert.Equal("model.gguf", entry.Manifest.Layers[0].Filepath);
        for (var i = 0; i < entry.Manifest.Layers.Count; i++)
        {
            using var stream = layout.OpenBlob(entry.Manifest.Layers[i].Digest, entry.Manifest.Layers[i].Size);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.Equal(artifact.Layers[i], copy.ToArray());
        }

        Assert.Equal(artifact.Config, layout.ReadBlob(entry.Manifest.Config!));
    }

    [Fact]
    public void Skopeo_and_we_share_one_layout_without_losing_each_others_tags()
    {
        var layout = OciLayout.Create(_temp.Sub("shared"));
        var ours = TestArtifact.Write(layout, "ours");
        layout.SetReference("ours", ours.Descriptor);
        var elsewhere = OciLayout.Create(_temp.Sub("elsewhere"));
        var theirs = TestArtifact.Write(elsewhere, "theirs");
        elsewhere.SetReference("src", theirs.Descriptor);

        Skopeo.Run("copy", "--preserve-digests", "oci:" + elsewhere.Root + ":src", "oci:" + layout.Root + ":theirs");
        layout.SetReference("ours-again", ours.Descriptor);

        var byName = layout.ReadEntries().ToDictionary(e => e.RefName!, e => e.Digest);
        Assert.Equal(ours.Manifest.Digest, byName["ours"]);
        Assert.Equal(theirs.Manifest.Digest, byName["theirs"]);
        Assert.Equal(ours.Manifest.Digest, byName["ours-again"]);
        Assert.Equal(3, byName.Count);
        Assert.Equal(Encoding.UTF8.GetString(theirs.Manifest.ToBytes()), Skopeo.Run("inspect", "--raw", "oci:" + layout.Root + ":theirs").TrimEnd('\n'));
    }
}
