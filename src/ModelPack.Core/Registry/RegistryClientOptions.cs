using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace ModelPack.Core.Registry;

/// <summary>Settings of a <see cref="RegistryClient"/>. Read once, when the client is created.</summary>
public sealed class RegistryClientOptions
{
    /// <summary>The <see cref="MaxRetry"/> of a client nobody configured.</summary>
    public const int DefaultMaxRetry = 5;

    /// <summary>
    /// Explicit credentials by registry (<c>host[:port]</c>, e.g. <c>docker.io</c>). They win over
    /// auth files and are only ever sent to that registry and the token service it names.
    /// </summary>
    public IDictionary<string, RegistryCredential> Credentials { get; } =
        new Dictionary<string, RegistryCredential>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Registries (<c>host[:port]</c>) that may be reached over plain HTTP or unverified TLS, in
    /// addition to loopback ones and those marked <c>insecure = true</c> in registries.conf.
    /// </summary>
    public ISet<string> InsecureRegistries { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Extra root certificates trusted for TLS, on top of the system's.</summary>
    public X509Certificate2Collection TrustedCertificates { get; } = new();

    /// <summary>Environment variables, home and /etc: where auth files, registries.conf, proxies and helpers are found.</summary>
    public RegistryEnvironment Environment { get; set; } = RegistryEnvironment.Current;

    /// <summary>Read containers auth.json and docker config.json (and run credential helpers they name).</summary>
    public bool UseCredentialFiles { get; set; } = true;

    /// <summary>Read registries.conf for <c>insecure = true</c>.</summary>
    public bool UseRegistriesConf { get; set; } = true;

    /// <summary>Verbose log sink: what the client decides (endpoint, credential source, retries, each blob). It never receives a password, token or Authorization header.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>Debug log sink: every HTTP request and answer, token requests. Redacted like <see cref="Log"/>.</summary>
    public Action<string>? Trace { get; set; }

    /// <summary>How long to wait for a response's headers (and for small bodies).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How long a blob download may receive nothing before it is abandoned (and resumed, as retries allow).</summary>
    public TimeSpan ReadIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The <see cref="MinTransferRate"/> of a client nobody configured: 1 KiB/s.</summary>
    public const long DefaultMinTransferRate = 1024;

    /// <summary>The <see cref="TransferRateWindow"/> of a client nobody configured.</summary>
    public static readonly TimeSpan DefaultTransferRateWindow = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Bytes per second every download (blob, manifest, token, error body) must average over
    /// <see cref="TransferRateWindow"/>, like curl's --speed-limit; a registry that stalls or drips below it is
    /// stopped with RegistryTooSlow, and that is not retried (a blob's partial data is kept for the next pull to
    /// resume). 0 turns the check off. The config file's <c>minTransferRate</c> feeds it.
    /// </summary>
    public long MinTransferRate { get; set; } = DefaultMinTransferRate;

    /// <summary>
    /// The window of <see cref="MinTransferRate"/>, and how long a request without a body (GET, HEAD: <c>/v2/</c>,
    /// manifests, blobs) may wait for the registry's answer. The config file's <c>transferRateWindow</c> (seconds) feeds it.
    /// </summary>
    public TimeSpan TransferRateWindow { get; set; } = DefaultTransferRateWindow;

    /// <summary>Size of the buffer blobs are streamed through (one per blob being transferred).</summary>
    public int BufferSize { get; set; } = 4 * 1024 * 1024;

    public string UserAgent { get; set; } = "ModelPack.PowerShell/0.1";

    /// <summary>
    /// How many times a failed request is sent again (5xx, 408 and 429 answers, dropped connections,
    /// timeouts; an interrupted blob download resumes where it stopped). 0 turns retrying off. The
    /// settings file's <c>maxRetry</c> feeds it.
    /// </summary>
    public int MaxRetry { get; set; } = DefaultMaxRetry;

    /// <summary>
    /// How long one streak of failures may go on retrying (backoff waits and Retry-After included)
    /// before the error is reported. A blob download that makes progress starts a fresh streak.
    /// </summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The first retry waits up to this long; each further one up to twice as long (full jitter).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest single backoff wait (a server's Retry-After may ask for more, within the budget).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time source of the retry logic (tests substitute a virtual one that does not sleep).</summary>
    internal RetryTimer RetryTimer { get; set; } = RetryTimer.System;

    /// <summary>Time source for token expiry (tests move it forward).</summary>
    internal Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>
    /// Loopback registries are insecure (HTTP and unverified TLS allowed), as podman and docker
    /// treat them. Tests switch it off to exercise strict TLS against a local registry.
    /// </summary>
    internal bool LoopbackIsInsecure { get; set; } = true;
}
