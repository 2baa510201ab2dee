using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Hostile;

/// <summary>
/// File names a manifest gives its layers, refused from the manifest alone, before any blob is downloaded: an
/// unsafe title used as the name, a layer with no name, a file where another layer needs a directory, names and
/// paths longer than file systems allow, and invisible format characters (U+202E and the like) that make a name
/// display as another.
/// </summary>
public sealed class LayerNameTests : HostileStoreTestBase
{
    public LayerNameTests(PlainRegistryFixture fixture)
        : base(fixture)
    {
    }

    public static TheoryData<string, string, string, string> Refusals => new()
    {
        // case, annotations of the second layer (JSON), the ErrorId, the path or name the error names
        { "unsafe title", "{\"" + AnnotationKeys.Title + "\":\"../evil.bin\"}", ErrorIds.UnsafeLayerPath, "../evil.bin" },
        { "no file name", "{}", ErrorIds.MissingLayerPath, string.Empty },
        { "a file beside a/b", "{\"" + AnnotationKeys.Filepath + "\":\"model.gguf/inner.bin\"}", ErrorIds.ModelSpecViolation, "$.layers[1].annotations[\"org.cncf.model.filepath\"]" },
        { "5000-character segment", "{\"" + AnnotationKeys.Filepath + "\":\"" + new string('s', 5000) + "\"}", ErrorIds.ModelSpecViolation, "$.layers[1].annotations[\"org.cncf.model.filepath\"]" },
        { "5000-character path", "{\"" + AnnotationKeys.Filepath + "\":\"" + string.Concat(Enumerable.Repeat("abcd/", 1000)) + "f\"}", ErrorIds.ModelSpecViolation, "$.layers[1].annotations[\"org.cncf.model.filepath\"]" },
        { "2100 levels deep", "{\"" + AnnotationKeys.Filepath + "\":\"" + string.Concat(Enumerable.Repeat("a/", 2100)) + "f\"}", ErrorIds.ModelSpecViolation, "$.layers[1].annotations[\"org.cncf.model.filepath\"]" },
        { "right-to-left override", "{\"" + AnnotationKeys.Filepath + "\":\"weights\\u202Efni.exe\"}", ErrorIds.ModelSpecViolation, "$.layers[1].annotations[\"org.cncf.model.filepath\"]" },
        { "zero-width space in a title", "{\"" + AnnotationKeys.Title + "\":\"model\\u200B.gguf\"}", ErrorIds.UnsafeLayerPath, "model\u200B.gguf" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_name_the_manifest_shows_is_refused_before_any_download(string name, string annotations, string errorId, string offending)
    {
        var first = TestArtifact.Bytes(7, 1000);
        var second = Encoding.UTF8.GetBytes(name);
        var config = Config(first, second);
        var repository = NewRepository("names");
        await PushBlobsAsync(repository, first, second, config);
        var reference = await PushManifestAsync(repository, Manifest(config, Layer(first, annotations: At("model.gguf")), Layer(second, annotations: annotations)));
        var before = Contents();

        var ex = await Assert.ThrowsAnyAsync<ModelPackException>(() => PullAsync(reference));

        Assert.Equal(errorId, ex.ErrorId);
        if (ex is ModelSpecException spec)
        {
            Assert.Equal(reference.ToString(), spec.Target);
            Assert.Equal(offending, Assert.Single(spec.Violations).Path);
        }
        else if (offending.Length > 0)
        {
            Assert.Equal(offending, ex.Target);
        }

        Assert.Empty(Proxy.BlobGets());
        Assert.Equal(before, Contents());
    }

    [Theory]
    [InlineData("model\u202Egguf.exe", "U+202E")]
    [InlineData("a\u200Bb", "U+200B")]
    [InlineData("\u2066x\u2069", "U+2066")]
    [InlineData("\uFEFFmodel", "U+FEFF")]
    [InlineData("tag\U000E0041", "U+E0041")]
    public void Format_characters_are_refused_as_control_characters_are(string path, string named)
    {
        Assert.False(LayerPath.TryNormalize(path, out _, out var error));
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202E", DisplayText.Quote(path), StringComparison.Ordinal);
    }

    [Fact]
    public void Names_and_paths_at_the_limits_are_fine()
    {
        Assert.True(LayerPath.TryNormalize(new string('n', 255), out _, out _));
        Assert.False(LayerPath.TryNormalize(new string('n', 256), out _, out _));
        Assert.True(LayerPath.TryNormalize(string.Concat(Enumerable.Repeat("abc/", 511)) + "xyz", out var normalized, out _));
        Assert.Equal(2047, normalized.Length);
        Assert.True(LayerPath.TryNormalize("模型/权重.gguf", out _, out _));
    }

    [Fact]
    public void A_tar_entry_with_a_format_character_is_UnsafeLayerPath()
    {
        var tar = ArtifactBuilder.TarBytes(new Dictionary<string, byte[]> { ["docs/readme\u202Etxt.exe"] = new byte[] { 1 } });

        var ex = Assert.Throws<ModelPackException>(() => new TarLayerExtractor(Root.File("tar-rlo")).Extract(new System.IO.MemoryStream(tar), LayerPacking.Tar, "sha256:" + new string('3', 64)));

        Assert.Equal(ErrorIds.UnsafeLayerPath, ex.ErrorId);
        Assert.Contains("U+202E", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202E", ex.Message, StringComparison.Ordinal);
    }
}
