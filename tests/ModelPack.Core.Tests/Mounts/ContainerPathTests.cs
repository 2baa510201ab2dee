using ModelPack.Core.Errors;
using ModelPack.Core.Mounts;

namespace ModelPack.Core.Tests.Mounts;

public sealed class ContainerPathTests
{
    [Theory]
    [InlineData("/mnt/models", "/mnt/models")]
    [InlineData("/mnt/models/", "/mnt/models")]
    [InlineData("//srv/./llm//weights/", "/srv/llm/weights")]
    [InlineData("/models with space", "/models with space")]
    public void Destinations_are_normalised(string given, string expected)
    {
        Assert.Equal(expected, ContainerPath.NormalizeDestination(given));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("mnt/models", "absolute")]
    [InlineData("C:\\models", "absolute")]
    [InlineData("/mnt/../etc", "'..'")]
    [InlineData("/mnt/models/..", "'..'")]
    [InlineData("/mnt/a,readonly=false", "','")]
    [InlineData("/mnt/a=b", "'='")]
    [InlineData("/mnt/\"a", "'\"'")]
    [InlineData("/mnt/a\nb", "control character")]
    [InlineData("/", "'/'")]
    [InlineData("/./", "'/'")]
    public void Unusable_destinations_are_refused_with_the_reason(string given, string reason)
    {
        var ex = Assert.Throws<ModelPackException>(() => ContainerPath.NormalizeDestination(given));

        Assert.Equal(ErrorIds.InvalidMountDestination, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(given, ex.Target);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void Null_is_refused_as_empty()
    {
        var ex = Assert.Throws<ModelPackException>(() => ContainerPath.NormalizeDestination(null));
        Assert.Equal(ErrorIds.InvalidMountDestination, ex.ErrorId);
    }
}
