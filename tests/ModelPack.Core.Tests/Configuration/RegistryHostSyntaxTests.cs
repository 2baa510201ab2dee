using ModelPack.Core.Configuration;

namespace ModelPack.Core.Tests.Configuration;

public class RegistryHostSyntaxTests
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:5000")]
    [InlineData("registry.example.com")]
    [InlineData("10.0.0.5:443")]
    [InlineData("[::1]")]
    [InlineData("[::1]:5000")]
    [InlineData("[fe80::1%25eth0]:5000")]
    [InlineData("a:1")]
    [InlineData("a:65535")]
    public void Accepts_host_and_optional_port(string value) => Assert.True(RegistryHostSyntax.IsValid(value));

    [Theory]
    [InlineData("")]
    [InlineData("http://localhost:5000")]
    [InlineData("localhost:5000/v2")]
    [InlineData("user@localhost")]
    [InlineData("local host")]
    [InlineData(":5000")]
    [InlineData("localhost:")]
    [InlineData("localhost:0")]
    [InlineData("localhost:65536")]
    [InlineData("localhost:05000")]
    [InlineData("localhost:+500")]
    [InlineData("::1")]
    [InlineData("[::1]x")]
    [InlineData("[]:5000")]
    [InlineData("[localhost]")]
    [InlineData("a:b:c")]
    [InlineData("host?x")]
    public void Refuses_schemes_paths_bad_ports_and_bare_IPv6(string value) => Assert.False(RegistryHostSyntax.IsValid(value));
}
