using System.Collections.Generic;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Tests.Model;

public class ModelArtifactTests
{
    private static readonly ModelManifest Manifest = ModelManifest.Create(
        new Descriptor(MediaTypes.ModelConfig, Digest.Sha256("{}").ToString(), 2),
        new[]
        {
            new Descriptor(LayerMediaType.Format(LayerKind.Weight, LayerPacking.Raw), Digest.Sha256("w").ToString(), 10, new Dictionary<string, string> { [AnnotationKeys.Filepath] = "m/model.gguf" }),
            new Descriptor(LayerMediaType.Format(LayerKind.Doc, LayerPacking.Tar), Digest.Sha256("d").ToString(), 5, new Dictionary<string, string> { [AnnotationKeys.Title] = "docs.tar" }),
        });

    [Theory]
    [InlineData("localhost:5000/models/tiny:1.0", "localhost:5000", "models/tiny", "1.0")]
    [InlineData("docker.io/library/tiny:2", "docker.io", "library/tiny", "2")]
    [InlineData("tiny:1.0", null, "tiny", "1.0")]
    [InlineData("team/tiny", null, "team/tiny", null)]
    public void Reference_parts_come_from_the_reference_grammar_and_layout_names_name_no_registry(string reference, string? registry, string repository, string? tag)
    {
        var artifact = new ModelArtifact(reference, Manifest, null, "Layout", "/x");

        Assert.Equal(registry, artifact.Registry);
        Assert.Equal(repository, artifact.Repository);
        Assert.Equal(tag, artifact.Tag);
    }

    [Fact]
    public void Files_size_and_store_path_describe_the_artifact()
    {
        var artifact = new ModelArtifact("r:1", Manifest, null, "HttpBind", "/store/snapshots/abc", "/store");

        Assert.Equal(new[] { "m/model.gguf", "docs.tar" }, new[] { artifact.Files[0].Path, artifact.Files[1].Path });
        Assert.Equal(LayerKind.Weight, artifact.Files[0].Kind);
        Assert.Equal(LayerPacking.Tar, artifact.Files[1].Packing);
        Assert.Equal(Manifest.Size + 2 + 10 + 5, artifact.Size);
        Assert.Equal("/store", artifact.StorePath);
        Assert.Equal("/store/snapshots/abc", artifact.Path);
    }

    [Fact]
    public void Store_location_prefers_explicit_then_MODELPACK_STORE_then_XDG_then_home()
    {
        var env = new Dictionary<string, string?> { ["HOME"] = "/home/u" };
        string? Get(string n) => env.TryGetValue(n, out var v) ? v : null;

        if (System.OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.Equal("/explicit", StoreLocation.Resolve("/explicit", Get));
        Assert.Equal("/home/u/.local/share/modelpack", StoreLocation.Resolve(null, Get));
        env["XDG_DATA_HOME"] = "/xdg";
        Assert.Equal("/xdg/modelpack", StoreLocation.Resolve(null, Get));
        env["XDG_DATA_HOME"] = "relative/ignored";
        Assert.Equal("/home/u/.local/share/modelpack", StoreLocation.Resolve(null, Get));
        env["MODELPACK_STORE"] = "/custom/store";
        Assert.Equal("/custom/store", StoreLocation.Resolve(null, Get));
    }

    [Fact]
    public void A_relative_store_is_taken_from_the_base_directory_an_absolute_one_as_it_is()
    {
        if (System.OperatingSystem.IsWindows())
        {
            return;
        }

        var env = new Dictionary<string, string?> { ["HOME"] = "/home/u", ["MODELPACK_STORE"] = "models/store" };
        string? Get(string n) => env.TryGetValue(n, out var v) ? v : null;

        Assert.Equal("/work/here/models/store", StoreLocation.Resolve(null, Get, baseDirectory: "/work/here"));
        Assert.Equal("/work/models", StoreLocation.Resolve("../models", Get, baseDirectory: "/work/here"));
        Assert.Equal("/abs/store", StoreLocation.Resolve("/abs/store", Get, baseDirectory: "/work/here"));
        env["MODELPACK_STORE"] = "/abs/env";
        Assert.Equal("/abs/env", StoreLocation.Resolve(null, Get, baseDirectory: "/work/here"));
    }
}
