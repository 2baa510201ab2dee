using System;
using System.Collections.Generic;
using System.Management.Automation;
using ModelPack.Core.References;
using ModelPack.Core.Registry;

namespace ModelPack.Internal;

/// <summary>
/// How one cmdlet invocation may reach registries: -Credential, -SkipTlsVerify and -MaxRetry, each
/// already weighed against the config file (insecureRegistries, maxRetry). The registry clients are
/// configured from it, and podman pulls take the same credential and TLS choices.
/// </summary>
internal sealed class RegistryAccess
{
    private readonly HashSet<string> _insecureRegistries;

    /// <param name="credential">-Credential; sent only to the registry of the reference being processed.</param>
    /// <param name="skipTlsVerify">-SkipTlsVerify: plain HTTP and unverified TLS for the registries used.</param>
    /// <param name="maxRetry">-MaxRetry when given, else the config file's maxRetry; null leaves the client's default.</param>
    /// <param name="maxRetrySource">Where <paramref name="maxRetry"/> came from, for -Verbose.</param>
    /// <param name="insecureRegistries">Registries the config file allows over plain HTTP or unverified TLS.</param>
    public RegistryAccess(PSCredential? credential, bool skipTlsVerify, int? maxRetry, string maxRetrySource, IEnumerable<string> insecureRegistries)
    {
        Credential = credential is null || credential == PSCredential.Empty
            ? null
            : new RegistryCredential(UserNameOf(credential), credential.GetNetworkCredential().Password ?? string.Empty);
        SkipTlsVerify = skipTlsVerify;
        MaxRetry = maxRetry ?? RegistryClientOptions.DefaultMaxRetry;
        MaxRetrySource = maxRetrySource;
        _insecureRegistries = new HashSet<string>(insecureRegistries, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The explicit credential, or null (auth files and credential helpers then apply).</summary>
    public RegistryCredential? Credential { get; }

    public bool SkipTlsVerify { get; }

    /// <summary>How many times a failed registry request is sent again; 0 never retries.</summary>
    public int MaxRetry { get; }

    /// <summary>"-MaxRetry", "the config file '/x/config.json'" or "the default".</summary>
    public string MaxRetrySource { get; }

    /// <summary>The config file's minTransferRate (bytes per second every download must keep up).</summary>
    public long MinTransferRate { get; set; } = RegistryClientOptions.DefaultMinTransferRate;

    /// <summary>The config file's transferRateWindow.</summary>
    public TimeSpan TransferRateWindow { get; set; } = RegistryClientOptions.DefaultTransferRateWindow;

    /// <summary>Registries the config file names insecure.</summary>
    public IReadOnlyCollection<string> InsecureRegistries => _insecureRegistries;

    /// <summary>
    /// Whether the registry of <paramref name="reference"/> may be reached over plain HTTP or unverified TLS: named
    /// insecure, -SkipTlsVerify, or on this machine (the client allows loopback by itself; podman needs to be told).
    /// </summary>
    public bool AllowsInsecure(ModelReference reference) =>
        SkipTlsVerify || _insecureRegistries.Contains(reference.Registry) || reference.IsLoopback;

    /// <summary>The options of the client for <paramref name="registry"/>: the credential goes to that registry only.</summary>
    public RegistryClientOptions OptionsFor(string registry, Action<string> log, Action<string> trace)
    {
        var options = new RegistryClientOptions { Log = log, Trace = trace, MaxRetry = MaxRetry, MinTransferRate = MinTransferRate, TransferRateWindow = TransferRateWindow };
        if (Credential is not null)
        {
            options.Credentials[registry] = Credential;
        }

        foreach (var insecure in _insecureRegistries)
        {
            options.InsecureRegistries.Add(insecure);
        }

        if (SkipTlsVerify)
        {
            options.InsecureRegistries.Add(registry);
        }

        return options;
    }

    // Windows PowerShell's Get-Credential prefixes a user typed without a domain with '\'.
    private static string UserNameOf(PSCredential credential) => credential.UserName.TrimStart('\\');
}
