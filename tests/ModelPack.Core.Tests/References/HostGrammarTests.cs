using ModelPack.Core.References;

namespace ModelPack.Core.Tests.References;

/// <summary>
/// The one host[:port] grammar of references, registry names and the config file's insecureRegistries (which
/// had a grammar of their own before: the cases of its tests stand here).
/// </summary>
public class HostGrammarTests
{
    [Theory]
    [InlineData("localhost", "localhost")]
    [InlineData("localhost:5000", "localhost:5000")]
    [InlineData("LocalHost:5000", "localhost:5000")]
    [InlineData("registry.example.com", "registry.example.com")]
    [InlineData("10.0.0.5:443", "10.0.0.5:443")]
    [InlineData("[::1]", "[::1]")]
    [InlineData("[::1]:5000", "[::1]:5000")]
    [InlineData("[0:0::1]:5000", "[::1]:5000")]
    [InlineData("a:1", "a:1")]
    [InlineData("a:65535", "a:65535")]
    // A reference may write the port with leading zeros (Docker's grammar allows it); every list keys it without them.
    [InlineData("localhost:05000", "localhost:5000")]
    [InlineData("index.docker.io", "docker.io")]
    [InlineData("registry-1.docker.io", "docker.io")]
    public void Accepts_host_and_optional_port_and_gives_the_key(string value, string key)
    {
        Assert.Null(HostGrammar.Check(value, out var host));
        Assert.Equal(key, host.Key);
    }

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
    [InlineData("localhost:+500")]
    [InlineData("::1")]
    [InlineData("[::1]x")]
    [InlineData("[]:5000")]
    [InlineData("[localhost]")]
    [InlineData("a:b:c")]
    [InlineData("host?x")]
    [InlineData("bad_host.io")]
    // A zone id names an interface of this machine; references cannot carry one, so no list can match it.
    [InlineData("[fe80::1%25eth0]:5000")]
    [InlineData("[fe80::1%eth0]")]
    public void Refuses_schemes_paths_bad_ports_and_bare_IPv6(string value) => Assert.NotNull(HostGrammar.Check(value, out _));

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("127.1", false)]
    [InlineData("2130706433", false)]
    [InlineData("127.example.com", false)]
    [InlineData("10.0.0.1", false)]
    public void Knows_loopback_hosts_by_their_literal_address(string host, bool loopback) =>
        Assert.Equal(loopback, HostGrammar.IsLoopbackHost(host));
}
