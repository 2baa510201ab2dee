using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Spec;

/// <summary>The one table of verifiable digest algorithms drives parsing, hex lengths and hashers.</summary>
public class DigestAlgorithmTests
{
    [Theory]
    [InlineData("sha256", 64)]
    [InlineData("sha512", 128)]
    public void Each_algorithm_has_its_hex_length_and_hasher(string name, int hexLength)
    {
        var algorithm = DigestAlgorithm.Find(name)!;
        Assert.Equal(hexLength, algorithm.HexLength);
        Assert.Same(algorithm, DigestAlgorithm.ForHexLength(hexLength));

        using var hasher = algorithm.CreateHasher();
        hasher.AppendData(new byte[] { 1, 2, 3 });
        var digest = Digest.Parse(name + ":" + new string('0', hexLength));
        Assert.True(digest.IsVerifiable);
        Assert.Equal(hexLength / 2, hasher.GetHashAndReset().Length);
        Assert.False(Digest.TryParse(name + ":" + new string('0', hexLength - 1), out _, out var error));
        Assert.Contains($"must have {hexLength} lowercase hex characters", error);
    }

    [Fact]
    public void Other_algorithms_parse_but_cannot_be_verified()
    {
        var digest = Digest.Parse("blake3:abc");
        Assert.False(digest.IsVerifiable);
        Assert.Null(DigestAlgorithm.Find("blake3"));
        Assert.Null(DigestAlgorithm.ForHexLength(40));
        Assert.Throws<System.NotSupportedException>(() => digest.CreateHasher());
        Assert.Equal("sha256 and sha512", DigestAlgorithm.Names);
    }
}
