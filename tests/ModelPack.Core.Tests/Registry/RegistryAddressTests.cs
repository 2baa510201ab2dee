using ModelPack.Core.Errors;
using ModelPack.Core.Registry;

namespace ModelPack.Core.Tests.Registry;

public class RegistryAddressTests
{
    [Theory]
    [InlineData("Quay.IO", "quay.io", null, "quay.io", null)]
    [InlineData("localhost:5000", "localhost:5000", 5000, "localhost:5000", null)]
    [InlineData("docker.io", "docker.io", null, "registry-1.docker.io", null)]
    [InlineData("index.docker.io", "docker.io", null, "registry-1.docker.io", null)]
    [InlineData("registry-1.docker.io", "docker.io", null, "registry-1.docker.io", null)]
    [InlineData("[0:0::1]:05000", "[::1]:5000", 5000, "[::1]:5000", null)]
    [InlineData("https://ghcr.io/", "ghcr.io", null, "ghcr.io", "https")]
    [InlineData("http://127.0.0.1:5000", "127.0.0.1:5000", 5000, "127.0.0.1:5000", "http")]
    [InlineData("[::1]:5000", "[::1]:5000", 5000, "[::1]:5000", null)]
    public void Parses_registry_names(string text, string key, int? port, string api, string? scheme)
    {
        var a = RegistryAddress.Parse(text);

        Assert.Equal(key, a.Key);
        Assert.Equal(port, a.Port);
        Assert.Equal(api, a.ApiAuthority);
        Assert.Equal(scheme, a.ExplicitScheme);
    }

    [Theory]
    [InlineData("")]
    [InlineData("quay.io/ns")]
    [InlineData("user:pw@quay.io")]
    [InlineData("host:99999")]
    [InlineData("host:abc")]
    [InlineData("::1")]
    [InlineData("bad host")]
    [InlineData("bad_host.io")]
    [InlineData("[fe80::1%eth0]")]
    public void Rejects_what_is_not_host_and_port(string text)
    {
        var ex = Assert.Throws<ModelPackException>(() => RegistryAddress.Parse(text));
        Assert.Equal(ErrorIds.InvalidReference, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
    }
}
