using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ModelPack.Core.Registry;

/// <summary>
/// TLS server certificate check: the platform's verdict, plus the caller's extra trusted roots
/// (a chain built to one of them counts as trusted; the host name must still match). Failures
/// are accepted, and logged, only for insecure registries; otherwise the connection is refused
/// and the reason kept for the error message.
/// </summary>
internal sealed class CertificateValidator
{
    private readonly List<X509Certificate2> _trusted = new();
    private readonly Func<Uri, bool> _isInsecure;
    private readonly SecretRedactor _log;
    private readonly ConcurrentDictionary<string, string> _rejections = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _reportedUnverified = new(StringComparer.OrdinalIgnoreCase);

    public CertificateValidator(IEnumerable<X509Certificate2> trustedRoots, Func<Uri, bool> isInsecure, SecretRedactor log)
    {
        _trusted.AddRange(trustedRoots);
        _isInsecure = isInsecure;
        _log = log;
    }

    public enum Verdict
    {
        Verified,
        AcceptedUnverified,
        Rejected,
    }

    /// <summary>The HttpClientHandler callback.</summary>
    public bool Validate(HttpRequestMessage request, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var uri = request.RequestUri!;
        var verdict = Evaluate(_isInsecure(uri), certificate, chain, errors, out var problem);
        switch (verdict)
        {
            case Verdict.Verified:
                _rejections.TryRemove(uri.Authority, out _);
                return true;
            case Verdict.AcceptedUnverified:
                if (_reportedUnverified.TryAdd(uri.Authority, 0))
                {
                    _log.Log($"TLS certificate of '{uri.Authority}' NOT verified ({problem}); accepted because the registry is insecure.");
                }

                return true;
            default:
                _rejections[uri.Authority] = problem;
                _log.Log($"TLS certificate of '{uri.Authority}' rejected: {problem}.");
                return false;
        }
    }

    /// <summary>Why the last handshake with <paramref name="authority"/> was refused, if it was.</summary>
    public bool TryGetRejection(string authority, out string reason) => _rejections.TryGetValue(authority, out reason!);

    public Verdict Evaluate(bool insecure, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors, out string problem)
    {
        problem = string.Empty;
        if (errors == SslPolicyErrors.None && certificate is not null)
        {
            return Verdict.Verified;
        }

        var problems = new List<string>();
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            problems.Add("the server presented no certificate");
        }
        else
        {
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                problems.Add("the certificate is not issued for this host name");
            }

            if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0 && !ChainsToTrustedRoot(certificate, chain))
            {
                problems.Add("the certificate is not issued by a trusted authority (" + Describe(chain) + ")");
            }
        }

        if (problems.Count == 0)
        {
            return Verdict.Verified;
        }

        problem = string.Join("; ", problems);
        return insecure ? Verdict.AcceptedUnverified : Verdict.Rejected;
    }

    private bool ChainsToTrustedRoot(X509Certificate2 certificate, X509Chain? presented)
    {
        if (_trusted.Count == 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        foreach (var root in _trusted)
        {
            chain.ChainPolicy.ExtraStore.Add(root);
        }

        if (presented is not null)
        {
            for (var i = 1; i < presented.ChainElements.Count; i++)
            {
                chain.ChainPolicy.ExtraStore.Add(presented.ChainElements[i].Certificate);
            }
        }

        if (!chain.Build(certificate) || chain.ChainElements.Count == 0)
        {
            return false;
        }

        foreach (var element in chain.ChainElements)
        {
            foreach (var status in element.ChainElementStatus)
            {
                if (status.Status != X509ChainStatusFlags.NoError && status.Status != X509ChainStatusFlags.UntrustedRoot)
                {
                    return false;
                }
            }
        }

        var anchor = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
        foreach (var root in _trusted)
        {
            if (root.RawData.SequenceEqual(anchor.RawData))
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(X509Chain? chain)
    {
        if (chain is null || chain.ChainStatus.Length == 0)
        {
            return "chain could not be built";
        }

        var flags = new List<string>();
        foreach (var status in chain.ChainStatus)
        {
            flags.Add(status.Status.ToString());
        }

        return string.Join(", ", flags);
    }
}
