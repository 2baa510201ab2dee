using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Errors;
using ModelPack.Core.Mounts.Rendering;
using static ModelPack.Core.Tests.Mounts.Rendering.RenderingTestData;

namespace ModelPack.Core.Tests.Mounts.Rendering;

/// <summary>Container and volume names in the pod spec fragment are DNS-1123 labels, or the fragment is not rendered.</summary>
public sealed class KubernetesNamesTests
{
    public static TheoryData<string> Labels => new() { "a", "0", "model-server", "llama3", "a-b-c", "9x", new string('a', 63) };

    public static TheoryData<string> NotLabels => new() { "", "Model", "model_server", "model.server", "-model", "model-", "model server", "m\u00fcnchen", new string('a', 64), "a\nb" };

    [Theory]
    [MemberData(nameof(Labels))]
    public void A_label_is_taken_as_a_container_name_and_a_volume_name(string name)
    {
        Assert.True(KubernetesNames.IsLabel(name));
        Assert.Equal(name, KubernetesNames.CheckContainerName(name));
        Assert.Equal(name, KubernetesNames.CheckVolumeName(name));
    }

    [Theory]
    [MemberData(nameof(NotLabels))]
    public void Anything_else_is_refused_as_a_container_name_with_the_name_as_target(string name)
    {
        var error = Assert.Throws<ModelPackException>(() => KubernetesNames.CheckContainerName(name));

        Assert.False(KubernetesNames.IsLabel(name));
        Assert.Equal((ErrorIds.InvalidContainerName, ErrorKind.InvalidArgument, (object)name), (error.ErrorId, error.Kind, error.Target));
        Assert.Contains("DNS-1123", error.Message, System.StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [MemberData(nameof(NotLabels))]
    public void Anything_else_is_refused_as_a_volume_name_with_the_name_as_target(string name)
    {
        var error = Assert.Throws<ModelPackException>(() => KubernetesNames.CheckVolumeName(name));

        Assert.Equal((ErrorIds.InvalidVolumeName, ErrorKind.InvalidArgument, (object)name), (error.ErrorId, error.Kind, error.Target));
    }

    [Fact]
    public void The_fragment_puts_the_mount_into_the_named_container_and_names_the_volume_in_both_places()
    {
        var yaml = KubernetesRendering.Render(ImageMounts(subpath: true), containerName: "llama-server", volumeName: "model-llama");

        var lines = yaml.Split('\n');
        Assert.Equal(new[] { "    - name: \"model-llama\"", "    - name: \"llama-server\"", "        - name: \"model-llama\"" }, Names(lines));
    }

    [Fact]
    public void Without_names_the_container_is_model_server_and_the_volume_comes_from_the_repository()
    {
        var yaml = KubernetesRendering.Render(ImageMounts(subpath: true), containerName: null);

        Assert.Equal(new[] { "    - name: \"model-tiny-llm\"", "    - name: \"model-server\"", "        - name: \"model-tiny-llm\"" }, Names(yaml.Split('\n')));
    }

    [Fact]
    public void A_bad_container_or_volume_name_stops_the_rendering()
    {
        var mounts = ImageMounts(subpath: true);

        Assert.Equal(ErrorIds.InvalidContainerName, Assert.Throws<ModelPackException>(() => KubernetesRendering.Render(mounts, containerName: "Model_Server")).ErrorId);
        Assert.Equal(ErrorIds.InvalidVolumeName, Assert.Throws<ModelPackException>(() => KubernetesRendering.Render(mounts, volumeName: "weights/v1")).ErrorId);
    }

    /// <summary>The volume's, the container's and the volumeMount's name lines, in order (the env entry's name excluded).</summary>
    private static IEnumerable<string> Names(IEnumerable<string> lines) =>
        lines.Where(l => l.TrimStart().StartsWith("- name: ", System.StringComparison.Ordinal) && !l.Contains("MODELPACK_ENTRY_PATH", System.StringComparison.Ordinal));
}
