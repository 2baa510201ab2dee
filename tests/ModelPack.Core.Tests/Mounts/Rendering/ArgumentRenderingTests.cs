using System.IO;
using ModelPack.Core.Engines;
using ModelPack.Core.Mounts.Rendering;
using ModelPack.Core.Tests.Support;
using static ModelPack.Core.Tests.Mounts.Rendering.RenderingTestData;

namespace ModelPack.Core.Tests.Mounts.Rendering;

public sealed class ArgumentRenderingTests
{
    [Fact]
    public void Arguments_are_one_argv_element_per_mount_never_shell_quoted()
    {
        using var temp = new TempDirectory("modelpack-args");
        var (_, _, artifact) = ArtifactMounts();
        var bind = BindMounts(temp.Path, "it's here", EngineInfo.None("test"));

        Assert.Equal(new[] { artifact[0].Argument, artifact[1].Argument }, ArgumentRendering.Render(artifact));
        Assert.Equal(new[] { $"--mount=type=bind,src={Path.Combine(temp.Path, "it's here")},destination=/mnt/models,ro" }, ArgumentRendering.Render(bind));
    }
}
