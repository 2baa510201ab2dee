using System;
using System.Collections.Generic;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ModelPack.Core.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Registry;

/// <summary>The certificate decision for hosts that are not loopback, with real certificates from a test CA.</summary>
public sealed class CertificateValidatorTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = new();
    private readonly X509Certificate2 _server;
    private readonly X509Chain _chain = new();

    public CertificateValidatorTests()
    {
        _server = _ca.IssueServer("registry.example").Certificate;

        // The chain the platform builds for a certificate from an unknown CA.
        _chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        _chain.ChainPolicy.ExtraStore.Add(_ca.PublicCertificate);
        _chain.Build(_server);
    }

    public void Dispose()
    {
        _chain.Dispose();
        _server.Dispose();
        _ca.Dispose();
    }

    private static CertificateValidator Validator(params X509Certificate2[] trusted) =>
        new(trusted, _ => false, new SecretRedactor(null));

    [Fact]
    public void An_unknown_CA_is_rejected_for_a_secure_registry()
    {
        var verdict = Validator().Evaluate(false, _server, _chain, SslPolicyErrors.RemoteCertificateChainErrors, out var problem);

        Assert.Equal(CertificateValidator.Verdict.Rejected, verdict);
        Assert.Contains("not issued by a trusted authority", problem);
    }

    [Fact]
    public void The_CA_in_the_trust_option_makes_the_chain_valid()
    {
        var verdict = Validator(_ca.PublicCertificate).Evaluate(false, _server, _chain, SslPolicyErrors.RemoteCertificateChainErrors, out _);

        Assert.Equal(CertificateValidator.Verdict.Verified, verdict);
    }

    [Fact]
    public void Trust_does_not_excuse_a_name_mismatch()
    {
        var verdict = Validator(_ca.PublicCertificate).Evaluate(
            false, _server, _chain, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch, out var problem);

        Assert.Equal(CertificateValidator.Verdict.Rejected, verdict);
        Assert.Contains("not issued for this host name", problem);
        Assert.DoesNotContain("trusted authority", problem);
    }

    [Fact]
    public void Trusting_another_CA_does_not_help()
    {
        using var other = new TestCertificateAuthority("Other CA");

        var verdict = Validator(other.PublicCertificate).Evaluate(false, _server, _chain, SslPolicyErrors.RemoteCertificateChainErrors, out _);

        Assert.Equal(CertificateValidator.Verdict.Rejected, verdict);
    }

    [Fact]
    public void An_insecure_registry_accepts_what_a_secure_one_rejects()
    {
        var errors = SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch;

        Assert.Equal(CertificateValidator.Verdict.AcceptedUnverified, Validator().Evaluate(true, _server, _chain, errors, out _));
        Assert.Equal(CertificateValidator.Verdict.Rejected, Validator().Evaluate(false, null, null, SslPolicyErrors.RemoteCertificateNotAvailable, out _));
        Assert.Equal(CertificateValidator.Verdict.Verified, Validator().Evaluate(false, _server, _chain, SslPolicyErrors.None, out _));
    }
}
