using System;
using System.IO;
using System.Linq;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Mounts.Rendering;
using ModelPack.Core.Tests.Support;
using static ModelPack.Core.Tests.Mounts.Rendering.RenderingTestData;

namespace ModelPack.Core.Tests.Mounts.Rendering;

/// <summary>Quadlet units, read back section by section and key by key.</summary>
public sealed class QuadletRenderingTests : IDisposable
{
    private readonly TempDirectory temp = new("modelpack-quadlet");

    [Fact]
    public void PodmanArtifact_gives_an_artifact_unit_and_a_container_unit_that_needs_it_with_one_mount_per_layer()
    {
        var (weights, config, mounts) = ArtifactMounts();

        var files = QuadletRendering.Render(mounts, "/mnt/models");

        Assert.Equal(new[] { "tiny-llm.container", "tiny-llm.artifact" }, files.Select(f => f.Name));
        Assert.Equal(new[] { ("Artifact", "Artifact", ArtifactRef) }, ParseUnit(files[1].Content));
        Assert.Equal(
            new[]
            {
                ("Unit", "Requires", "tiny-llm-artifact.service"),
                ("Unit", "After", "tiny-llm-artifact.service"),
                ("Container", "Mount", $"type=artifact,src={ArtifactRef},digest={weights.Digest},destination=/mnt/models/weights/model.gguf"),
                ("Container", "Mount", $"type=artifact,src={ArtifactRef},digest={config.Digest},destination=/mnt/models/config.json"),
                ("Container", "Environment", "MODELPACK_ENTRY_PATH=/mnt/models/weights/model.gguf"),
            },
            ParseUnit(files[0].Content));
        Assert.All(mounts, m => Assert.Equal("--mount=" + ParseUnit(files[0].Content).Where(e => e.Key == "Mount").Select(e => e.Value).ElementAt(mounts.ToList().IndexOf(m)), m.Argument));
    }

    [Fact]
    public void PodmanImage_gives_an_image_unit_that_the_mount_names_as_its_source_with_subpath_on_podman_5()
    {
        var files = QuadletRendering.Render(ImageMounts(subpath: true), unitName: "llm");

        Assert.Equal(new[] { "llm.container", "llm.image" }, files.Select(f => f.Name));
        Assert.Equal(new[] { ("Image", "Image", ImageRef) }, ParseUnit(files[1].Content));
        Assert.Equal(
            new[]
            {
                ("Container", "Mount", "type=image,source=llm.image,destination=/mnt/models,subpath=/models,rw=false"),
                ("Container", "Environment", "MODELPACK_ENTRY_PATH=/mnt/models/model.gguf"),
            },
            ParseUnit(files[0].Content));
    }

    [Fact]
    public void PodmanImage_on_podman_4_mounts_the_whole_image_and_the_entry_path_keeps_models()
    {
        var files = QuadletRendering.Render(ImageMounts(subpath: false));

        Assert.Equal(
            new[]
            {
                ("Container", "Mount", "type=image,source=tiny-llm.image,destination=/mnt/models,rw=false"),
                ("Container", "Environment", "MODELPACK_ENTRY_PATH=/mnt/models/models/model.gguf"),
            },
            ParseUnit(files[0].Content));
    }

    [Fact]
    public void HttpBind_needs_no_pull_unit_and_is_written_in_podman_syntax_even_for_a_docker_mount_with_systemd_quoting()
    {
        var docker = new EngineInfo(EngineKind.Docker, "/usr/bin/docker", "docker 28.2.2 at /usr/bin/docker", "test", new EngineDetails
        {
            VersionText = "28.2.2",
            Version = new Version(28, 2, 2),
            IsUsable = true,
            NoArtifactsBecause = "no",
        });
        var mounts = BindMounts(temp.Path, "snap 100%", docker, "/mnt/my models");

        var files = QuadletRendering.Render(mounts);

        var file = Assert.Single(files);
        var source = Path.Combine(temp.Path, "snap 100%");
        Assert.Equal($"--mount=type=bind,src={source},dst=/mnt/my models,readonly", mounts[0].Argument);
        Assert.Equal(
            new[]
            {
                ("Container", "Mount", $"type=bind,src={source},destination=/mnt/my models,ro"),
                ("Container", "Environment", "MODELPACK_ENTRY_PATH=/mnt/my models/model.gguf"),
            },
            ParseUnit(file.Content));
        Assert.Contains("Mount=\"type=bind,src=" + source.Replace("%", "%%", StringComparison.Ordinal) + ",destination=/mnt/my models,ro\"\n", file.Content);
    }

    [Fact]
    public void A_unit_name_with_a_path_or_blanks_is_refused()
    {
        var error = Assert.Throws<ModelPackException>(() => QuadletRendering.Render(ImageMounts(subpath: true), unitName: "../etc/evil name"));

        Assert.Equal(ErrorIds.InvalidUnitName, error.ErrorId);
    }

    [Fact]
    public void Mounts_of_two_models_are_rendered_one_model_at_a_time_and_the_destination_must_be_theirs()
    {
        var mixed = ImageMounts(subpath: true).Concat(ArtifactMounts().Mounts).ToList();

        Assert.Throws<ArgumentException>(() => QuadletRendering.Render(mixed));
        Assert.Throws<ArgumentException>(() => QuadletRendering.Render(ArtifactMounts().Mounts));
        Assert.Throws<ArgumentException>(() => QuadletRendering.Render(ArtifactMounts().Mounts, "/elsewhere"));
        Assert.Throws<ArgumentException>(() => QuadletRendering.Render(ImageMounts(subpath: true), "/elsewhere"));
    }

    public void Dispose() => temp.Dispose();
}
