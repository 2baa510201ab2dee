using ModelPack.Core.Registry;

namespace ModelPack.Core.Tests.Registry;

/// <summary>Token scopes: what a push asks for, and which cached token may serve a request.</summary>
public sealed class TokenScopeTests
{
    [Fact]
    public void A_push_asks_pull_and_push_on_its_repository_and_pull_on_each_other_mount_source_once()
    {
        Assert.Equal(
            "repository:models/a:pull,push repository:models/b:pull",
            TokenScope.Push("models/a", new[] { "models/b", "models/a", "models/b" }));
    }

    [Theory]
    [InlineData("repository:a:pull,push", "repository:a:pull", true)]
    [InlineData("repository:a:pull,push", "repository:a:pull,push", true)]
    [InlineData("repository:a:pull,push repository:b:pull", "repository:b:pull", true)]
    [InlineData("repository:a:pull", "repository:a:pull,push", false)]
    [InlineData("repository:a:pull", "repository:b:pull", false)]
    [InlineData("repository:a:pull,push", "repository:a:pull,push repository:b:pull", false)]
    [InlineData("repository:127.0.0.1:5000/a:pull", "repository:127.0.0.1:5000/a:pull", true)]
    [InlineData("", "repository:a:pull", false)]
    public void A_cached_token_serves_a_request_only_when_it_was_asked_for_everything_the_request_needs(string held, string wanted, bool covers)
    {
        Assert.Equal(covers, TokenScope.Covers(held, wanted));
    }
}
