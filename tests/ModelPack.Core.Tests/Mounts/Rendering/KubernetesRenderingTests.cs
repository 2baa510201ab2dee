using System;
using System.Collections.Generic;
using System.IO;
using ModelPack.Core.Engines;
using ModelPack.Core.Mounts.Rendering;
using ModelPack.Core.Tests.Support;
using static ModelPack.Core.Tests.Mounts.Rendering.RenderingTestData;

namespace ModelPack.Core.Tests.Mounts.Rendering;

/// <summary>Pod spec fragments: exact text for one case, and every case parsed back as YAML and checked by structure.</summary>
public sealed class KubernetesRenderingTests : IDisposable
{
    private readonly TempDirectory temp = new("modelpack-kube");

    [Fact]
    public void A_model_image_becomes_an_image_volume_with_subPath_models_and_the_entry_path_in_env()
    {
        var yaml = KubernetesRendering.Render(ImageMounts(subpath: true));

        Assert.Equal(
            "# ModelPack: registry.example:5000/images/tiny-llm:1.0 (strategy PodmanImage) at /mnt/models; main weight file /mnt/models/model.gguf.\n" +
            "# Merge into your pod spec: the volume into spec.volumes, the mount and env into your container.\n" +
            "spec:\n" +
            "  volumes:\n" +
            "    - name: \"model-tiny-llm\"\n" +
            "      image:\n" +
            "        reference: \"registry.example:5000/images/tiny-llm:1.0\"\n" +
            "        pullPolicy: \"IfNotPresent\"\n" +
            "  containers:\n" +
            "    - name: \"model-server\"\n" +
            "      volumeMounts:\n" +
            "        - name: \"model-tiny-llm\"\n" +
            "          mountPath: \"/mnt/models\"\n" +
            "          readOnly: true\n" +
            "          subPath: \"models\"\n" +
            "      env:\n" +
            "        - name: \"MODELPACK_ENTRY_PATH\"\n" +
            "          value: \"/mnt/models/model.gguf\"\n",
            yaml);
        var spec = Map(Map(MiniYaml.Parse(yaml))["spec"]);
        var volume = Map(List(spec["volumes"])[0]);
        Assert.Equal(ImageRef, Map(volume["image"])["reference"]);
        Assert.Equal("IfNotPresent", Map(volume["image"])["pullPolicy"]);
        var mount = Map(List(Map(List(spec["containers"])[0])["volumeMounts"])[0]);
        Assert.Equal(volume["name"], mount["name"]);
        Assert.Equal(true, mount["readOnly"]);
        Assert.Equal("models", mount["subPath"]);
    }

    [Fact]
    public void On_podman_4_the_image_mount_has_no_subpath_but_the_pod_uses_subPath_so_the_entry_path_drops_models()
    {
        var mounts = ImageMounts(subpath: false, destination: "/models/llm");
        var spec = Map(Map(MiniYaml.Parse(KubernetesRendering.Render(mounts, "/models/llm")))["spec"]);

        var container = Map(List(spec["containers"])[0]);
        Assert.Equal("/models/llm/models/model.gguf", mounts[0].EntryPath);
        Assert.Equal("/models/llm/model.gguf", Map(List(container["env"])[0])["value"]);
        Assert.Equal("models", Map(List(container["volumeMounts"])[0])["subPath"]);
    }

    [Fact]
    public void A_ModelPack_artifact_is_one_image_volume_for_all_its_layer_mounts()
    {
        var (_, _, mounts) = ArtifactMounts("/data/model");
        var spec = Map(Map(MiniYaml.Parse(KubernetesRendering.Render(mounts, "/data/model", containerName: "llama")))["spec"]);

        var volume = Map(Assert.Single(List(spec["volumes"])));
        var container = Map(Assert.Single(List(spec["containers"])));
        var mount = Map(Assert.Single(List(container["volumeMounts"])));
        Assert.Equal(ArtifactRef, Map(volume["image"])["reference"]);
        Assert.Equal("llama", container["name"]);
        Assert.Equal("/data/model", mount["mountPath"]);
        Assert.False(mount.ContainsKey("subPath"));
        Assert.Equal("/data/model/weights/model.gguf", Map(List(container["env"])[0])["value"]);
    }

    [Fact]
    public void HttpBind_becomes_a_hostPath_volume_and_awkward_paths_survive_quoting()
    {
        var engine = EngineInfo.None("no engine in this test");
        var mounts = BindMounts(temp.Path, "snap: \\ #1 'q'", engine, "/mnt/a: b #c");

        var yaml = KubernetesRendering.Render(mounts, "/mnt/a: b #c", volumeName: "weights");
        var spec = Map(Map(MiniYaml.Parse(yaml))["spec"]);

        var volume = Map(List(spec["volumes"])[0]);
        Assert.Equal("weights", volume["name"]);
        Assert.Equal(Path.Combine(temp.Path, "snap: \\ #1 'q'"), Map(volume["hostPath"])["path"]);
        Assert.Equal("Directory", Map(volume["hostPath"])["type"]);
        var container = Map(List(spec["containers"])[0]);
        Assert.Equal("/mnt/a: b #c", Map(List(container["volumeMounts"])[0])["mountPath"]);
        Assert.Equal("/mnt/a: b #c/model.gguf", Map(List(container["env"])[0])["value"]);
    }

    [Fact]
    public void The_reader_the_tests_rely_on_rejects_ambiguous_YAML()
    {
        Assert.Throws<FormatException>(() => MiniYaml.Parse("a: b: c\n"));
        Assert.Throws<FormatException>(() => MiniYaml.Parse("a: x # y\n"));
        Assert.Throws<FormatException>(() => MiniYaml.Parse("a: \"open\n"));
        Assert.Equal("x\"y", Map(MiniYaml.Parse("a: \"x\\\"y\"\n"))["a"]);
    }

    public void Dispose() => temp.Dispose();

    private static Dictionary<string, object> Map(object value) => Assert.IsType<Dictionary<string, object>>(value);

    private static List<object> List(object value) => Assert.IsType<List<object>>(value);
}
