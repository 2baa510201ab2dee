using System.Linq;
using ModelPack.Core.Registry;

namespace ModelPack.Core.Tests.Registry;

public class AuthChallengeTests
{
    [Fact]
    public void Parses_a_Docker_Hub_style_Bearer_challenge()
    {
        var c = AuthChallenge.ParseAll("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:samalba/my-app:pull,push\"").Single();

        Assert.True(c.IsBearer);
        Assert.Equal("https://auth.docker.io/token", c.Realm);
        Assert.Equal("registry.docker.io", c.Service);
        Assert.Equal("repository:samalba/my-app:pull,push", c.Scope);
        Assert.Null(c.Error);
    }

    [Fact]
    public void Handles_spaces_case_escapes_unquoted_values_and_error()
    {
        var c = AuthChallenge.ParseAll("bearer  Realm = \"https://a/t?x=1,y=2\" , SERVICE=svc,scope=\"a \\\"quoted\\\" b\",error=\"insufficient_scope\"").Single();

        Assert.True(c.IsBearer);
        Assert.Equal("https://a/t?x=1,y=2", c.Realm);
        Assert.Equal("svc", c.Service);
        Assert.Equal("a \"quoted\" b", c.Scope);
        Assert.Equal("insufficient_scope", c.Error);
    }

    [Fact]
    public void Splits_several_challenges_in_one_header_and_prefers_Bearer()
    {
        var all = AuthChallenge.ParseAll("Basic realm=\"basic, realm\", Bearer realm=\"https://r/token\",service=\"s\"");

        Assert.Equal(new[] { "Basic", "Bearer" }, all.Select(c => c.Scheme));
        Assert.Equal("basic, realm", all[0].Realm);
        Assert.Equal("s", all[1].Service);
        Assert.True(AuthChallenge.Select(new[] { "Basic realm=\"x\"", "Bearer realm=\"https://r/token\"" })!.IsBearer);
        Assert.True(AuthChallenge.Select(new[] { "Basic realm=\"x\"" })!.IsBasic);
    }

    [Fact]
    public void Ignores_token68_unknown_schemes_and_garbage()
    {
        Assert.Equal("Basic", AuthChallenge.ParseAll("Basic dXNlcjpwYXNz==").Single().Scheme);
        Assert.Null(AuthChallenge.Select(new[] { "Negotiate", "NTLM" }));
        Assert.Null(AuthChallenge.Select(new[] { "Bearer service=\"no realm\"" }));
        Assert.Empty(AuthChallenge.ParseAll(""));
        var odd = AuthChallenge.ParseAll("Bearer realm=\"unterminated");
        Assert.Equal("unterminated", odd.Single().Realm);
        Assert.Single(AuthChallenge.ParseAll("Bearer ;;; realm=\"https://x\""));
    }
}
