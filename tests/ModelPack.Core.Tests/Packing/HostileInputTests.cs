using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Packing;

/// <summary>Folders a pack must refuse: each fails with its own ErrorId naming the path, and the store stays exactly as it was.</summary>
public sealed class HostileInputTests : IDisposable
{
    private static readonly ModelReference Reference = ModelReference.Parse("localhost:5000/models/hostile:1.0");
    private readonly TempDirectory _root = new("modelpack-hostile");
    private readonly ModelFolder _folder = new();
    private readonly ModelStore _store;
    private readonly string _before;

    public HostileInputTests()
    {
        _store = ModelStore.Open(Path.Combine(_root.Path, "store"));
        using (var other = ModelFolder.Sample())
        {
            // A store that already holds something, so "untouched" means more than "empty".
            ModelPacker.PackAsync(new PackRequest(other.Path, ModelReference.Parse("localhost:5000/models/existing:1")), _store).GetAwaiter().GetResult();
        }

        _before = StoreState.Capture(_store);
        _folder.Write("model.gguf", ModelFolder.Random(5000, 7));
        _folder.Write("README.md", "# hostile\n");
    }

    public void Dispose()
    {
        _folder.Dispose();
        _root.Dispose();
    }

    private async Task<ModelPackException> PackFails(PackRequest? request = null)
    {
        var error = await Assert.ThrowsAnyAsync<ModelPackException>(() => ModelPacker.PackAsync(request ?? new PackRequest(_folder.Path, Reference), _store));
        Assert.Equal(_before, StoreState.Capture(_store));
        Assert.Null(_store.Find(Reference));
        return error;
    }

    [Fact]
    public async Task A_symbolic_link_leading_out_of_the_folder_is_refused_with_its_path()
    {
        using var outside = new TempDirectory("modelpack-outside");
        File.WriteAllText(outside.File("secret.txt"), "do not pack me");
        _folder.Symlink("docs/secret.md", outside.File("secret.txt"));

        var error = await PackFails();

        Assert.Equal(ErrorIds.LinkOutsideModel, error.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, error.Kind);
        Assert.Equal("docs/secret.md", error.Target);
        Assert.Contains(outside.File("secret.txt"), error.Message);
    }

    [Fact]
    public async Task A_link_to_a_directory_outside_is_refused_too()
    {
        using var outside = new TempDirectory("modelpack-outside");
        File.WriteAllText(outside.File("weights.bin"), "x");
        Directory.CreateSymbolicLink(_folder.Full("extra"), outside.Path);

        var error = await PackFails();

        Assert.Equal(ErrorIds.LinkOutsideModel, error.ErrorId);
        Assert.Equal("extra", error.Target);
    }

    [Fact]
    public async Task Links_inside_the_folder_are_packed_as_the_file_they_point_at_and_links_out_only_when_allowed()
    {
        _folder.Symlink("docs/readme-link.md", "../README.md");
        using var outside = new TempDirectory("modelpack-outside");
        File.WriteAllText(outside.File("LICENSE"), "MIT, from elsewhere");
        _folder.Symlink("LICENSE", outside.File("LICENSE"));
        var request = new PackRequest(_folder.Path, Reference) { FollowLinksOutside = true };

        var result = await ModelPacker.PackAsync(request, _store);

        Assert.Equal("# hostile\n", File.ReadAllText(Path.Combine(result.Artifact.Path!, "docs", "readme-link.md")));
        Assert.Equal("MIT, from elsewhere", File.ReadAllText(Path.Combine(result.Artifact.Path!, "LICENSE")));
        Assert.Equal(FileMetadata.RegularFile, result.Artifact.Manifest.Layers.Single(l => l.Filepath == "LICENSE").FileMetadata!.Typeflag);
    }

    [Fact]
    public async Task A_dangling_link_is_an_unreadable_file()
    {
        _folder.Symlink("tokenizer.json", _folder.Full("gone.json"));

        var error = await PackFails();

        Assert.Equal(ErrorIds.UnreadableModelFile, error.ErrorId);
        Assert.Equal("tokenizer.json", error.Target);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void An_unreadable_file_is_refused_before_anything_is_read()
    {
        var secret = _folder.Write("config.json", "{}");
        File.SetUnixFileMode(secret, UnixFileMode.None);

        var error = WithoutFileOverride.Run(() =>
        {
            // PackAsync checks everything synchronously, on this thread, before its first await.
            var task = ModelPacker.PackAsync(new PackRequest(_folder.Path, Reference), _store);
            return Assert.ThrowsAny<ModelPackException>(() => task.GetAwaiter().GetResult());
        });

        Assert.Equal(ErrorIds.UnreadableModelFile, error.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.Equal("config.json", error.Target);
        Assert.Equal(_before, StoreState.Capture(_store));
    }

    [Fact]
    public async Task Names_that_differ_only_in_case_collide()
    {
        _folder.Write("readme.md", "# other\n");

        var error = await PackFails();

        Assert.Equal(ErrorIds.ModelFileNameCollision, error.ErrorId);
        Assert.Contains("'README.md' and 'readme.md'", error.Message);
    }

    [Fact]
    public async Task Names_that_differ_only_in_Unicode_normalisation_collide()
    {
        _folder.Write("caf\u00e9.txt", "composed");
        _folder.Write("cafe\u0301.txt", "decomposed");

        var error = await PackFails();

        Assert.Equal(ErrorIds.ModelFileNameCollision, error.ErrorId);
        Assert.Equal("caf\u00e9.txt", error.Target);
    }

    [Fact]
    public async Task A_file_that_collides_with_a_directory_is_refused()
    {
        _folder.Write("Scripts", "a file");
        _folder.Write("scripts/run.py", "print(1)");

        var error = await PackFails();

        Assert.Equal(ErrorIds.ModelFileNameCollision, error.ErrorId);
    }

    [Fact]
    public async Task An_empty_weight_file_is_refused()
    {
        _folder.Write("model-2.safetensors", Array.Empty<byte>());

        var error = await PackFails();

        Assert.Equal(ErrorIds.EmptyWeightFile, error.ErrorId);
        Assert.Equal("model-2.safetensors", error.Target);
    }

    [Fact]
    public async Task An_empty_folder_or_one_with_only_hidden_files_has_nothing_to_pack()
    {
        using var empty = new ModelFolder();
        empty.Write(".git/HEAD", "ref: refs/heads/main");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => ModelPacker.PackAsync(new PackRequest(empty.Path, Reference), _store));

        Assert.Equal(ErrorIds.EmptyModelFolder, error.ErrorId);
        Assert.Equal(_before, StoreState.Capture(_store));
    }

    [Theory]
    [InlineData("NUL")]
    [InlineData("docs/con.txt")]
    [InlineData("a:b.txt")]
    [InlineData("tab\tname.md")]
    [InlineData("docs/ ..")]
    public async Task A_file_name_that_LayerPath_refuses_is_refused(string name)
    {
        _folder.Write(name, "x");

        var error = await PackFails();

        Assert.Equal(ErrorIds.UnsafeLayerPath, error.ErrorId);
        Assert.Equal(name, error.Target);
    }

    [Fact]
    public async Task Unclassified_files_fail_when_asked_to_and_can_be_skipped_or_given_a_kind()
    {
        _folder.Write("weights.xyz", "???");
        _folder.Write("extra/blob.qqq", "???");
        var strict = new PackRequest(_folder.Path, Reference) { UnclassifiedFiles = UnclassifiedFileHandling.Error };

        var error = await PackFails(strict);

        Assert.Equal(ErrorIds.UnclassifiedModelFile, error.ErrorId);
        Assert.Contains("weights.xyz", error.Message);
        Assert.Contains("extra/blob.qqq", error.Message);

        var lenient = new PackRequest(_folder.Path, Reference) { UnclassifiedFiles = UnclassifiedFileHandling.Skip };
        lenient.KindOverrides["*.xyz"] = LayerKind.Weight;
        var plan = ModelPacker.Plan(lenient);
        Assert.Equal(LayerKind.Weight, plan.Files.Single(f => f.Path == "weights.xyz").Kind);
        Assert.DoesNotContain(plan.Files, f => f.Path == "extra/blob.qqq");
        Assert.Contains("extra/blob.qqq", plan.Skipped.Keys);
    }

    [Fact]
    public async Task A_config_file_with_a_wrong_type_is_refused_with_the_JSON_path()
    {
        var config = _root.Write("config.json", "{\"descriptor\":{\"name\":\"x\",\"licenses\":\"MIT\"},\"config\":{},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[]}}");
        var request = new PackRequest(_folder.Path, Reference) { ConfigPath = config };

        var error = await PackFails(request);

        var spec = Assert.IsType<ModelSpecException>(error);
        var violation = Assert.Single(spec.Violations);
        Assert.Equal("$.descriptor.licenses", violation.Path);
    }

    [Fact]
    public async Task A_dataset_path_that_does_not_exist_is_refused()
    {
        var request = new PackRequest(_folder.Path, Reference);
        request.Datasets.Add("data/missing");

        var error = await PackFails(request);

        Assert.Equal(ErrorIds.PathNotFound, error.ErrorId);
    }

    [Fact]
    public async Task Overrides_that_disagree_on_a_file_are_refused()
    {
        var request = new PackRequest(_folder.Path, Reference);
        request.KindOverrides["*.md"] = LayerKind.Code;
        request.KindOverrides["README*"] = LayerKind.Doc;

        var error = await PackFails(request);

        Assert.Equal(ErrorIds.InvalidPackOption, error.ErrorId);
        Assert.Equal("README.md", error.Target);
    }
}
