using System;
using System.Collections.Generic;
using ModelPack.Core.Registry;

namespace ModelPack.Core.Tests.Registry;

public class EnvironmentProxyTests
{
    private static EnvironmentProxy? Create(Dictionary<string, string> variables, List<string>? log = null) =>
        EnvironmentProxy.Create(new RegistryEnvironment(variables, null), new SecretRedactor(log is null ? null : log.Add));

    [Fact]
    public void No_proxy_variables_means_no_proxy()
    {
        Assert.Null(Create(new Dictionary<string, string>()));
    }

    [Fact]
    public void Picks_the_proxy_by_scheme_lower_case_first()
    {
        var proxy = Create(new Dictionary<string, string>
        {
            ["https_proxy"] = "http://secure-proxy:3128",
            ["HTTPS_PROXY"] = "http://ignored:1",
            ["HTTP_PROXY"] = "plain-proxy:8080",
        })!;

        Assert.Equal(new Uri("http://secure-proxy:3128"), proxy.GetProxy(new Uri("https://quay.io/v2/")));
        Assert.Equal(new Uri("http://plain-proxy:8080"), proxy.GetProxy(new Uri("http://quay.io/v2/")));
    }

    [Fact]
    public void All_proxy_is_the_fallback()
    {
        var proxy = Create(new Dictionary<string, string> { ["ALL_PROXY"] = "http://all:1080" })!;

        Assert.Equal(new Uri("http://all:1080"), proxy.GetProxy(new Uri("https://quay.io/")));
    }

    [Theory]
    [InlineData("https://localhost:5000/", true)]
    [InlineData("https://127.0.0.1/", true)]
    [InlineData("https://[::1]:5000/", true)]
    [InlineData("https://internal.example/", true)]
    [InlineData("https://a.b.internal.example/", true)]
    [InlineData("https://notinternal.example/", false)]
    [InlineData("https://corp.test/", true)]
    [InlineData("https://x.corp.test/", true)]
    [InlineData("https://ported.example:8443/", true)]
    [InlineData("https://ported.example/", false)]
    [InlineData("https://10.1.2.3/", true)]
    [InlineData("https://10.255.0.1/", false)]
    [InlineData("https://192.168.7.9/", true)]
    [InlineData("https://quay.io/", false)]
    public void No_proxy_and_loopback_bypass(string url, bool bypassed)
    {
        var proxy = Create(new Dictionary<string, string>
        {
            ["HTTPS_PROXY"] = "http://proxy:3128",
            ["NO_PROXY"] = "internal.example, .corp.test,ported.example:8443,10.1.0.0/16 192.168.7.9",
        })!;

        Assert.Equal(bypassed, proxy.IsBypassed(new Uri(url)));
        Assert.Equal(bypassed ? null : new Uri("http://proxy:3128"), proxy.GetProxy(new Uri(url)));
    }

    [Fact]
    public void A_star_bypasses_everything()
    {
        var proxy = Create(new Dictionary<string, string> { ["HTTPS_PROXY"] = "http://proxy:3128", ["no_proxy"] = "*" })!;

        Assert.True(proxy.IsBypassed(new Uri("https://quay.io/")));
    }

    [Fact]
    public void Proxy_credentials_come_from_the_URL_and_are_not_logged()
    {
        var log = new List<string>();
        var proxy = Create(new Dictionary<string, string> { ["HTTPS_PROXY"] = "http://bob:pr%40xy-pass@proxy:3128" }, log)!;

        var credential = proxy.Credentials!.GetCredential(new Uri("http://proxy:3128"), "Basic");

        Assert.Equal("bob", credential!.UserName);
        Assert.Equal("pr@xy-pass", credential.Password);
        Assert.Null(proxy.Credentials.GetCredential(new Uri("http://elsewhere:3128"), "Basic"));
        Assert.Contains(log, l => l.Contains("http://proxy:3128", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Contains("pr@xy-pass", StringComparison.Ordinal) || l.Contains("pr%40xy", StringComparison.Ordinal));
    }
}
