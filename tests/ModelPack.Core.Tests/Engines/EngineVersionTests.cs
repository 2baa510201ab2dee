using System;
using ModelPack.Core.Engines;

namespace ModelPack.Core.Tests.Engines;

public class EngineVersionTests
{
    [Theory]
    [InlineData("4.3.1", 4, 3, 1)]
    [InlineData("5.7.0-dev", 5, 7, 0)]
    [InlineData("5.7.0-rc2", 5, 7, 0)]
    [InlineData("28.2.2", 28, 2, 2)]
    [InlineData("28.0.4+dfsg1", 28, 0, 4)]
    [InlineData("v5.1", 5, 1, 0)]
    [InlineData(" 5 ", 5, 0, 0)]
    [InlineData("5.7.0.1", 5, 7, 0)]
    [InlineData("5.", 5, 0, 0)]
    public void Reads_the_leading_numeric_version(string text, int major, int minor, int patch)
    {
        Assert.True(EngineVersion.TryParse(text, out var version));
        Assert.Equal(new Version(major, minor, patch), version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dev")]
    [InlineData("-5.7")]
    [InlineData(".5")]
    [InlineData("99999999999.1")]
    public void Rejects_text_without_a_leading_number(string? text)
    {
        Assert.False(EngineVersion.TryParse(text, out _));
    }

    [Theory]
    [InlineData(5, 7, 0, "5.7")]
    [InlineData(4, 3, 1, "4.3.1")]
    public void Brief_drops_a_zero_patch(int major, int minor, int patch, string expected)
    {
        Assert.Equal(expected, EngineVersion.Brief(new Version(major, minor, patch)));
    }

    [Fact]
    public void Requirements_compare_as_the_issue_states()
    {
        Assert.True(EngineVersion.TryParse("5.7.0-dev", out var dev) && dev >= EngineRequirements.PodmanArtifact);
        Assert.True(EngineVersion.TryParse("5.6.9", out var older) && older < EngineRequirements.PodmanArtifact);
        Assert.True(EngineVersion.TryParse("5.1.0", out var subpath) && subpath >= EngineRequirements.PodmanImageSubpath);
        Assert.True(EngineVersion.TryParse("5.0.3", out var noSubpath) && noSubpath < EngineRequirements.PodmanImageSubpath);
    }
}
