using System;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Registry;

/// <summary>A real registry serving https with a certificate from a throw-away test CA.</summary>
public sealed class TlsRegistryFixture : IDisposable
{
    public TlsRegistryFixture()
    {
        Authority = new TestCertificateAuthority();
        var (_, certificatePem, keyPem) = Authority.IssueServer("localhost", "127.0.0.1");
        Registry = RegistryProcess.Start(new RegistryProcessOptions { TlsCertificatePem = certificatePem, TlsKeyPem = keyPem });
        Home = new TempDirectory("modelpack-home");
    }

    public TestCertificateAuthority Authority { get; }

    public RegistryProcess Registry { get; }

    public TempDirectory Home { get; }

    public void Dispose()
    {
        Registry.Dispose();
        Authority.Dispose();
        Home.Dispose();
    }
}

/// <summary>
/// TLS against a real registry. 127.0.0.1 is loopback, so by default a bad certificate is only
/// logged; the strict cases switch off the loopback exemption (an internal test seam) so the real
/// TLS stack must either verify the certificate through the trust option or refuse it.
/// </summary>
public sealed class TlsRegistryTests : IClassFixture<TlsRegistryFixture>
{
    private readonly TlsRegistryFixture _fixture;
    private readonly TestClientSetup _setup;

    public TlsRegistryTests(TlsRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
    }

    private string Registry => _fixture.Registry.HostPort;

    [Fact]
    public async Task The_test_CA_in_the_trust_option_verifies_the_registry_certificate()
    {
        var artifact = TestArtifact.Create("tls");
        using var client = _setup.Client(o => o.TrustedCertificates.Add(_fixture.Authority.PublicCertificate));

        await artifact.PushAsync(client, Registry, "models/tls", "v1");
        var resolved = await client.Repository(Registry, "models/tls").ResolveManifestAsync("v1");

        Assert.Equal(artifact.Manifest.Digest, resolved.Digest);
        Assert.Contains($"answers at https://{Registry}/", _setup.LogText);
        Assert.DoesNotContain("NOT verified", _setup.LogText);
    }

    [Fact]
    public async Task Strict_TLS_with_the_trusted_CA_connects()
    {
        using var client = _setup.Client(o =>
        {
            o.LoopbackIsInsecure = false;
            o.TrustedCertificates.Add(_fixture.Authority.PublicCertificate);
        });

        await client.PingAsync(Registry);

        Assert.Contains($"answers at https://{Registry}/", _setup.LogText);
    }

    [Fact]
    public async Task Strict_TLS_without_the_CA_refuses_the_certificate()
    {
        using var client = _setup.Client(o => o.LoopbackIsInsecure = false);

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(Registry));

        Assert.Equal(ErrorIds.RegistryCertificateUntrusted, ex.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, ex.Kind);
        Assert.Contains("not issued by a trusted authority", ex.Message);
        Assert.DoesNotContain("trying plain http", _setup.LogText);
    }

    [Fact]
    public async Task Strict_TLS_with_a_CA_that_did_not_issue_the_certificate_refuses_it()
    {
        using var other = new TestCertificateAuthority("Some Other CA");
        using var client = _setup.Client(o =>
        {
            o.LoopbackIsInsecure = false;
            o.TrustedCertificates.Add(other.PublicCertificate);
        });

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(Registry));

        Assert.Equal(ErrorIds.RegistryCertificateUntrusted, ex.ErrorId);
    }

    [Fact]
    public async Task Loopback_accepts_an_unverified_certificate_but_says_so()
    {
        using var client = _setup.Client();

        await client.PingAsync(Registry);

        Assert.Contains($"TLS certificate of '{Registry}' NOT verified", _setup.LogText);
        Assert.Contains($"answers at https://{Registry}/", _setup.LogText);
    }

    [Fact]
    public async Task Plain_http_to_a_registry_that_is_not_insecure_is_refused()
    {
        using var client = _setup.Client(o => o.LoopbackIsInsecure = false);

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => client.PingAsync("http://" + Registry));

        Assert.Equal(ErrorIds.InsecureRegistryRefused, ex.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, ex.Kind);
        Assert.DoesNotContain("GET http://", _setup.LogText);
    }

    [Fact]
    public async Task A_registry_named_insecure_may_use_an_unverified_certificate()
    {
        using var client = _setup.Client(o =>
        {
            o.LoopbackIsInsecure = false;
            o.InsecureRegistries.Add(Registry);
        });

        await client.PingAsync(Registry);

        Assert.Contains("NOT verified", _setup.LogText);
    }
}
