using ModelPack.Core.Registry;

namespace ModelPack.Core.Tests.Registry;

public class LinkHeaderTests
{
    [Theory]
    [InlineData("</v2/a/tags/list?n=1&last=x>; rel=\"next\"", "/v2/a/tags/list?n=1&last=x")]
    [InlineData("<https://r/v2/a/tags/list?last=b>;rel=next", "https://r/v2/a/tags/list?last=b")]
    [InlineData("</prev>; rel=\"prev\", </next>; rel=\"next\"", "/next")]
    [InlineData("</both>; rel=\"prev next\"", "/both")]
    [InlineData("</weird>; title=\"a, <b>\"; rel=\"next\"", "/weird")]
    public void Finds_the_next_link(string header, string expected)
    {
        Assert.Equal(expected, LinkHeader.FindNext(new[] { header }));
    }

    [Theory]
    [InlineData("</prev>; rel=\"prev\"")]
    [InlineData("")]
    [InlineData("<unterminated; rel=\"next\"")]
    public void Finds_nothing_without_a_next_link(string header)
    {
        Assert.Null(LinkHeader.FindNext(new[] { header }));
    }
}
