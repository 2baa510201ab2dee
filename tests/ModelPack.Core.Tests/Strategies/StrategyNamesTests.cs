using ModelPack.Core.Strategies;

namespace ModelPack.Core.Tests.Strategies;

public class StrategyNamesTests
{
    [Theory]
    [InlineData("Auto", StrategyName.Auto)]
    [InlineData("AUTO", StrategyName.Auto)]
    [InlineData("PodmanArtifact", StrategyName.PodmanArtifact)]
    [InlineData("podman-artifact", StrategyName.PodmanArtifact)]
    [InlineData("Podman-Artifact", StrategyName.PodmanArtifact)]
    [InlineData("podmanimage", StrategyName.PodmanImage)]
    [InlineData("podman-image", StrategyName.PodmanImage)]
    [InlineData("\thttp-bind\n", StrategyName.HttpBind)]
    [InlineData("HTTPBIND", StrategyName.HttpBind)]
    public void Parses_Pascal_and_kebab_spellings_ignoring_case(string text, StrategyName expected)
    {
        Assert.True(StrategyNames.TryParse(text, out var name));
        Assert.Equal(expected, name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("podman_artifact")]
    [InlineData("podman artifact")]
    [InlineData("PodmanArtifacts")]
    [InlineData("http")]
    [InlineData("Auto,HttpBind")]
    public void Refuses_anything_else_including_enum_numbers(string? text)
    {
        Assert.False(StrategyNames.TryParse(text, out _));
    }

    [Fact]
    public void Kebab_spelling_round_trips_and_Auto_order_is_artifact_image_bind()
    {
        foreach (var name in new[] { StrategyName.Auto, StrategyName.PodmanArtifact, StrategyName.PodmanImage, StrategyName.HttpBind })
        {
            Assert.True(StrategyNames.TryParse(StrategyNames.ToKebabCase(name), out var parsed));
            Assert.Equal(name, parsed);
        }

        Assert.Equal(new[] { StrategyName.PodmanArtifact, StrategyName.PodmanImage, StrategyName.HttpBind }, StrategyNames.AutoOrder);
        Assert.Equal("Auto, PodmanArtifact, PodmanImage, HttpBind (or auto, podman-artifact, podman-image, http-bind)", StrategyNames.Accepted);
    }
}
