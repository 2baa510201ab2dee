using System.Collections.Generic;
using System.IO;
using System.Text;
using ModelPack.Core.Images;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Images;

public sealed class ModelImageTests
{
    [Theory]
    [InlineData("io.modelpack.model", "true", true)]
    [InlineData("io.modelpack.model", " TRUE ", true)]
    [InlineData("io.modelpack.model", "false", false)]
    [InlineData("org.containers.type", "ai.image.model.raw", true)]
    [InlineData("org.containers.type", "ai.image.model.car", true)]
    [InlineData("org.containers.type", "ai.image.other", false)]
    [InlineData("org.opencontainers.image.title", "a model", false)]
    public void An_image_is_a_model_when_a_label_says_so(string key, string value, bool isModel)
    {
        Assert.Equal(isModel, ModelImage.IsModelImage(new Dictionary<string, string> { [key] = value }));
    }

    [Fact]
    public void The_entry_path_comes_from_the_ModelPack_label_else_RamaLamas_model_file_and_an_unsafe_label_is_ignored()
    {
        Assert.Equal("q4/model.gguf", ModelImage.EntryPathFromLabels(new Dictionary<string, string> { [ModelImage.EntryPathLabel] = "/models/q4/model.gguf" }));
        Assert.Equal("q4/model.gguf", ModelImage.EntryPathFromLabels(new Dictionary<string, string> { [ModelImage.EntryPathLabel] = "./q4//model.gguf" }));
        Assert.Equal("model.file", ModelImage.EntryPathFromLabels(new Dictionary<string, string> { [ModelImage.RamaLamaTypeLabel] = "ai.image.model.car" }));
        Assert.Null(ModelImage.EntryPathFromLabels(new Dictionary<string, string> { [ModelImage.EntryPathLabel] = "../../etc/passwd" }));
        Assert.Null(ModelImage.EntryPathFromLabels(new Dictionary<string, string>()));
    }

    [Fact]
    public void Labels_are_read_from_the_image_config_and_a_config_without_them_has_none()
    {
        var labels = ModelImage.LabelsFromConfig(Encoding.UTF8.GetBytes("{\"config\":{\"Labels\":{\"a\":\"b\",\"n\":1}},\"rootfs\":{}}"));

        Assert.Equal(new Dictionary<string, string> { ["a"] = "b" }, labels);
        Assert.Empty(ModelImage.LabelsFromConfig(Encoding.UTF8.GetBytes("{\"config\":{}}")));
        Assert.Empty(ModelImage.LabelsFromConfig(Encoding.UTF8.GetBytes("not json")));
    }

    [Fact]
    public void The_main_weight_file_is_the_largest_with_a_weight_extension_and_links_are_not_followed()
    {
        using var dir = new TempDirectory("modelpack-weights");
        dir.Write("README.md", new string('r', 5000));
        dir.Write("a/small.safetensors", new string('s', 100));
        dir.Write("b/large.safetensors", new string('l', 900));
        File.CreateSymbolicLink(dir.File("huge.gguf"), dir.File("README.md"));

        Assert.Equal("b/large.safetensors", ModelImage.FindMainWeightFile(dir.Path));
        File.Delete(dir.File("a/small.safetensors"));
        File.Delete(dir.File("b/large.safetensors"));
        Assert.Equal("README.md", ModelImage.FindMainWeightFile(dir.Path));
        Assert.Null(ModelImage.FindMainWeightFile(dir.File("missing")));
    }
}
