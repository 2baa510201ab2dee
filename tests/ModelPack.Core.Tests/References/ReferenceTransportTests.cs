using ModelPack.Core.Errors;
using ModelPack.Core.References;

namespace ModelPack.Core.Tests.References;

public class ReferenceTransportTests
{
    [Theory]
    // input, canonical reference, short name as written (null: fully qualified)
    [InlineData("docker://localhost:5000/models/tiny:1.0", "localhost:5000/models/tiny:1.0", null)]
    [InlineData("oci://localhost:5000/models/tiny:1.0", "localhost:5000/models/tiny:1.0", null)]
    [InlineData("DOCKER://ghcr.io/org/model", "ghcr.io/org/model:latest", null)]
    [InlineData("docker://ubuntu", "docker.io/library/ubuntu:latest", "ubuntu")]
    [InlineData("oci://org/model:v1", "docker.io/org/model:v1", "org/model")]
    [InlineData("rlcr://granite:2b", "rlcr.io/ramalama/granite:2b", null)]
    [InlineData("rlcr://smollm", "rlcr.io/ramalama/smollm:latest", null)]
    [InlineData("rlcr://org/model@sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa", "rlcr.io/ramalama/org/model@sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa", null)]
    [InlineData("models/tiny", "docker.io/models/tiny:latest", "models/tiny")]
    [InlineData("localhost:5000/tiny", "localhost:5000/tiny:latest", null)]
    public void Prefixed_references_are_the_reference_after_the_prefix(string input, string canonical, string? shortName)
    {
        var reference = ModelReference.Parse(input);

        Assert.Equal(canonical, reference.ToString());
        Assert.Equal(shortName, reference.ShortName);
        Assert.Equal(shortName is not null, reference.IsShortName);
        Assert.Equal(ModelReference.Parse(canonical), reference);
    }

    [Theory]
    [InlineData("docker://")]
    [InlineData("oci://")]
    public void A_prefix_with_nothing_after_it_is_refused_naming_the_input(string input)
    {
        var ex = Assert.Throws<ModelPackException>(() => ModelReference.Parse(input));

        Assert.Equal(ErrorIds.InvalidReference, ex.ErrorId);
        Assert.Equal(input, ex.Target);
        Assert.Contains("names no reference after its transport prefix", ex.Message);
    }

    [Theory]
    [InlineData("rlcr://")]
    [InlineData("docker://Bad/Name")]
    [InlineData("docker://docker://x")]
    [InlineData("http://host/x")]
    public void Other_text_after_or_instead_of_a_prefix_is_still_checked(string input) =>
        Assert.False(ModelReference.TryParse(input, out _, out _));

    [Theory]
    [InlineData("docker://local", "docker://", "local")]
    [InlineData("rlcr://gra", "rlcr://", "rlcr.io/ramalama/gra")]
    [InlineData("plain", "", "plain")]
    public void Split_keeps_the_prefix_as_written_and_Join_puts_it_back(string typed, string prefix, string reference)
    {
        Assert.Equal(reference, ReferenceTransport.Split(typed, out var found));
        Assert.Equal(prefix, found);
        Assert.Equal(typed, ReferenceTransport.Join(found, reference));
    }
}
