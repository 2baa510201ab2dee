using System;
using ModelPack.Core.Errors;
using ModelPack.Core.Registry;

namespace ModelPack.Core.Tests.Registry;

public class InsecureRegistryPolicyTests
{
    private static readonly InsecureRegistryPolicy Policy = new(
        new[] { "named.example:5000", "http://Plain.Example" },
        RegistriesConf.Parse("[[registry]]\nlocation = \"conf.example\"\ninsecure = true\n"),
        loopbackIsInsecure: true);

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("[::1]", true)]
    [InlineData("::1", true)]
    [InlineData("128.0.0.1", false)]
    [InlineData("localhost.example", false)]
    [InlineData("10.0.0.1", false)]
    public void Knows_loopback_hosts(string host, bool loopback)
    {
        Assert.Equal(loopback, InsecureRegistryPolicy.IsLoopback(host));
    }

    [Theory]
    [InlineData("http://localhost:5000/v2/", true)]
    [InlineData("http://127.0.0.1/v2/", true)]
    [InlineData("http://[::1]:5000/v2/", true)]
    [InlineData("http://named.example:5000/v2/", true)]
    [InlineData("http://named.example/v2/", false)]
    [InlineData("http://named.example:5001/v2/", false)]
    [InlineData("http://plain.example/v2/", true)]
    [InlineData("http://conf.example/v2/", true)]
    [InlineData("http://registry.example/v2/", false)]
    public void Decides_insecure_by_exact_host_and_port(string url, bool insecure)
    {
        Assert.Equal(insecure, Policy.IsInsecure(new Uri(url)));
    }

    [Fact]
    public void Plain_http_to_a_secure_registry_is_refused_and_https_is_not()
    {
        var ex = Assert.Throws<ModelPackException>(() => Policy.EnsureTransportAllowed(new Uri("http://registry.example/v2/x?token=abc"), "a registry request"));

        Assert.Equal(ErrorIds.InsecureRegistryRefused, ex.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, ex.Kind);
        Assert.Equal("http://registry.example/v2/x", ex.Target);
        Assert.Contains("registry.example", ex.Message);
        Policy.EnsureTransportAllowed(new Uri("https://registry.example/v2/"), "a registry request");
        Policy.EnsureTransportAllowed(new Uri("http://127.0.0.1:5000/v2/"), "a registry request");
        Assert.Throws<ModelPackException>(() => Policy.EnsureTransportAllowed(new Uri("ftp://registry.example/x"), "a registry request"));
    }

    [Fact]
    public void Loopback_can_be_made_strict()
    {
        var strict = new InsecureRegistryPolicy(Array.Empty<string>(), RegistriesConf.Empty, loopbackIsInsecure: false);

        Assert.False(strict.IsInsecure(new Uri("http://127.0.0.1:5000/")));
        Assert.Throws<ModelPackException>(() => strict.EnsureTransportAllowed(new Uri("http://127.0.0.1:5000/v2/"), "a registry request"));
    }
}
