using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Engines;

/// <summary>
/// Asks an engine what it is. Podman: <c>podman version --format json</c>, then for 5.7 or later
/// <c>podman artifact ls</c> (never <c>--help</c>: podman 4.x answers <c>podman artifact --help</c> with its
/// general help and exit code 0) and <c>podman info</c> for where its artifact store is. Docker:
/// <c>docker version --format '{{json .}}'</c>, whose Server is the daemon (its version is the one that
/// counts; the CLI's may differ), and <c>docker context inspect</c> for where the daemon is (DOCKER_HOST or the
/// current context): one on another machine cannot see the local store. Results are cached in an
/// <see cref="EngineProbeCache"/> per executable and the environment variables that choose what it talks to;
/// <c>refresh</c> probes again. An engine that fails to answer is reported in the result, not thrown:
/// HttpBind works without it.
/// </summary>
public sealed class EngineProbe
{
    private static readonly string[] PodmanVersionArgs = { "version", "--format", "json" };
    private static readonly string[] PodmanInfoArgs = { "info", "--format", "{{json .Store.GraphRoot}} {{json .Host.ServiceIsRemote}}" };
    private static readonly string[] DockerVersionArgs = { "version", "--format", "{{json .}}" };
    private static readonly string[] DockerEndpointArgs = { "context", "inspect", "--format", "{{json .Endpoints.docker.Host}}" };
    private static readonly string[] ArtifactListArgs = { "artifact", "ls" };

    private readonly IProcessRunner runner;
    private readonly EngineProbeCache cache;
    private readonly TimeSpan commandTimeout;
    private readonly IReadOnlyDictionary<string, string?>? environment;

    /// <param name="runner">Runs the engine (default: the real <see cref="ProcessRunner"/>).</param>
    /// <param name="cache">Where results are kept (default: the session's).</param>
    /// <param name="commandTimeout">How long one engine command may take (default <see cref="DefaultCommandTimeout"/>).</param>
    /// <param name="environment">Variables added to (or, null, removed from) the engine's inherited environment, as the strategies pass them.</param>
    public EngineProbe(IProcessRunner? runner = null, EngineProbeCache? cache = null, TimeSpan? commandTimeout = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        this.runner = runner ?? ProcessRunner.Instance;
        this.cache = cache ?? EngineProbeCache.Session;
        this.commandTimeout = commandTimeout ?? DefaultCommandTimeout;
        this.environment = environment;
    }

    /// <summary>How long one engine command may take; a first podman run can be slow while it sets up storage.</summary>
    public static TimeSpan DefaultCommandTimeout { get; } = TimeSpan.FromSeconds(20);

    public async Task<EngineInfo> ProbeAsync(EngineLocation engine, bool refresh = false, CancellationToken cancellationToken = default)
    {
        if (engine is null)
        {
            throw new ArgumentNullException(nameof(engine));
        }

        if (engine.Kind == EngineKind.None || engine.Path is null)
        {
            return EngineInfo.None(engine.Description);
        }

        var path = engine.Path;
        var key = EngineProbeCache.Key(path, environment);
        if (!refresh && cache.TryGet(key, path, out var cached))
        {
            return cached;
        }

        var stamp = EngineProbeCache.Stamp(path);
        var info = engine.Kind == EngineKind.Podman
            ? await ProbePodmanAsync(path, cancellationToken).ConfigureAwait(false)
            : await ProbeDockerAsync(path, cancellationToken).ConfigureAwait(false);
        cache.Store(key, stamp, info);
        return info;
    }

    private async Task<EngineInfo> ProbePodmanAsync(string path, CancellationToken cancellationToken)
    {
        var (result, failure) = await TryRunAsync(path, PodmanVersionArgs, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return Unusable(EngineKind.Podman, path, null, failure!);
        }

        var json = ParseObject(result.Stdout);
        var client = json is JsonElement root ? JsonText.Object(root, "Client") : null;
        var clientVersion = client is JsonElement c ? JsonText.String(c, "Version") : null;
        var server = json is JsonElement r ? JsonText.Object(r, "Server") : null;
        var serverVersion = server is JsonElement s ? JsonText.String(s, "Version") : null;
        if (!result.Succeeded)
        {
            return Unusable(EngineKind.Podman, path, clientVersion, $"'podman version' failed with exit code {result.ExitCode}{Detail(result)}");
        }

        if (!EngineVersion.TryParse(clientVersion, out var version))
        {
            return Unusable(EngineKind.Podman, path, clientVersion, "'podman version --format json' printed no Client.Version" + Excerpt(result.Stdout));
        }

        // A remote podman (podman machine, podman-remote) mounts through its server: the older side decides.
        var note = string.Empty;
        if (EngineVersion.TryParse(serverVersion, out var serverParsed) && serverParsed < version)
        {
            note = $" (client {clientVersion}, server {serverVersion})";
            return await PodmanCapabilitiesAsync(path, serverVersion!, serverParsed, clientVersion!, note, cancellationToken).ConfigureAwait(false);
        }

        return await PodmanCapabilitiesAsync(path, clientVersion!, version, clientVersion!, note, cancellationToken).ConfigureAwait(false);
    }

    private async Task<EngineInfo> PodmanCapabilitiesAsync(string path, string versionText, Version version, string clientVersion, string note, CancellationToken cancellationToken, string? alias = null)
    {
        var found = $"podman {versionText} at {path}{note}{alias}";
        var subpath = version >= EngineRequirements.PodmanImageSubpath;
        var details = new EngineDetails { ClientVersion = clientVersion };
        var warnings = new List<string>();
        string? noArtifacts = null;
        string artifacts;
        if (version < EngineRequirements.PodmanArtifact)
        {
            noArtifacts = $"podman {versionText} is older than {EngineVersion.Brief(EngineRequirements.PodmanArtifact)}, the first with 'podman artifact' mounts";
            artifacts = "No artifact mounts: " + noArtifacts + ". ";
        }
        else
        {
            var (list, failure) = await TryRunAsync(path, ArtifactListArgs, cancellationToken).ConfigureAwait(false);
            if (list is null)
            {
                noArtifacts = failure;
            }
            else if (!list.Succeeded && IsUnknownCommand(list))
            {
                noArtifacts = $"this podman has no 'podman artifact' command ('podman artifact ls' failed with exit code {list.ExitCode}{Detail(list)})";
            }
            else if (!list.Succeeded)
            {
                // The command exists: one artifact podman cannot read (a created annotation that is not RFC 3339) fails the whole listing.
                details.ArtifactListProblem = $"'podman artifact ls' failed with exit code {list.ExitCode}{Detail(list)}";
                warnings.Add($"podman's artifact store cannot be listed: {details.ArtifactListProblem}. Pulling and mounting artifacts still work, and ModelPack lists the store from podman's own index where it can read it; an artifact podman cannot parse (for example one whose org.opencontainers.image.created annotation is not RFC 3339) stops 'podman artifact ls' until it is removed with 'podman artifact rm'.");
            }

            if (noArtifacts is null)
            {
                await ReadArtifactStoreAsync(path, details, cancellationToken).ConfigureAwait(false);
            }

            artifacts = noArtifacts is not null
                ? "No artifact mounts: " + noArtifacts + ". "
                : details.ArtifactListProblem is null
                    ? "'podman artifact' works. "
                    : "'podman artifact' works, but its store cannot be listed: " + details.ArtifactListProblem + ". ";
        }

        details.Warnings = warnings;
        var reason = "Found " + found + ". " + artifacts +
            (subpath
                ? "Image mounts take subpath."
                : $"Image mounts cannot take subpath (needs podman {EngineVersion.Brief(EngineRequirements.PodmanImageSubpath)}).");
        details.VersionText = versionText;
        details.Version = version;
        details.IsUsable = true;
        details.SupportsArtifacts = noArtifacts is null;
        details.SupportsImageSubpath = subpath;
        details.NoArtifactsBecause = noArtifacts;
        return new EngineInfo(EngineKind.Podman, path, found, reason, details);
    }

    /// <summary>Where podman keeps its artifacts (GRAPHROOT/artifacts, an OCI layout), unless podman is remote; nothing when 'podman info' fails.</summary>
    private async Task ReadArtifactStoreAsync(string path, EngineDetails details, CancellationToken cancellationToken)
    {
        var (info, _) = await TryRunAsync(path, PodmanInfoArgs, cancellationToken).ConfigureAwait(false);
        if (info is null || !info.Succeeded)
        {
            return;
        }

        var words = info.Stdout.Trim().Split(' ');
        if (words.Length != 2)
        {
            return;
        }

        details.IsRemote = words[1] == "true";
        try
        {
            using var doc = JsonDocument.Parse(words[0]);
            if (!details.IsRemote && doc.RootElement.ValueKind == JsonValueKind.String && doc.RootElement.GetString() is { Length: > 0 } graphRoot)
            {
                details.ArtifactStorePath = System.IO.Path.Combine(graphRoot, "artifacts");
            }
        }
        catch (JsonException)
        {
            // No store path: podman's digests are reported as they are.
        }
    }

    private async Task<EngineInfo> ProbeDockerAsync(string path, CancellationToken cancellationToken)
    {
        var (result, failure) = await TryRunAsync(path, DockerVersionArgs, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return Unusable(EngineKind.Docker, path, null, failure!);
        }

        var all = ParseObject(result.Stdout);
        var client = all is JsonElement root ? JsonText.Object(root, "Client") : null;
        var clientVersion = client is JsonElement c ? JsonText.String(c, "Version") : null;
        if (!EngineVersion.TryParse(clientVersion, out var clientParsed))
        {
            return Unusable(EngineKind.Docker, path, clientVersion, $"'docker version' printed no client version (exit code {result.ExitCode}){Detail(result)}");
        }

        // podman-docker installs a "docker" that runs podman; podman's Client object has OsArch, docker's has Arch.
        if (client is JsonElement podmanShape && podmanShape.TryGetProperty("OsArch", out _))
        {
            return await PodmanCapabilitiesAsync(path, clientVersion!, clientParsed, clientVersion!, string.Empty, cancellationToken, alias: " (a docker command that runs podman)").ConfigureAwait(false);
        }

        var endpoint = await DockerEndpointAsync(path, cancellationToken).ConfigureAwait(false);
        var details = new EngineDetails { ClientVersion = clientVersion, Endpoint = endpoint, IsRemote = endpoint is not null && DockerEndpoint.IsRemote(endpoint) };
        var warnings = new List<string>();
        var daemon = endpoint is null ? "its daemon" : "the daemon at " + endpoint;
        var server = all is JsonElement r ? JsonText.Object(r, "Server") : null;
        var serverVersion = server is JsonElement s ? JsonText.String(s, "Version") : null;
        string found;
        string? versionText = null;
        Version? version = null;
        string answered;
        if (result.Succeeded && EngineVersion.TryParse(serverVersion, out var serverParsed))
        {
            versionText = serverVersion;
            version = serverParsed;
            found = $"docker {serverVersion} at {path}" + (serverVersion == clientVersion ? string.Empty : $" (CLI {clientVersion})");
            answered = $"The daemon is {(endpoint is null ? "docker " + serverVersion : endpoint + ", docker " + serverVersion)}.";
        }
        else
        {
            found = $"docker CLI {clientVersion} at {path}, whose daemon did not answer";
            var why = $"{Capitalize(daemon)} did not answer 'docker version' (exit code {result.ExitCode}{Detail(result)})";
            warnings.Add(why + ": models can be saved and their mounts written, but 'docker run' needs a running daemon.");
            answered = why + ".";
        }

        if (details.IsRemote)
        {
            warnings.Add(RemoteWarning(endpoint!));
        }

        details.Warnings = warnings;
        var reason = $"Found {found}. {answered} Docker has no artifact or image mounts; only HttpBind works." + (details.IsRemote ? " " + RemoteWarning(endpoint!) : string.Empty);
        details.VersionText = versionText;
        details.Version = version;
        details.IsUsable = true;
        details.NoArtifactsBecause = "docker has no artifact mounts";
        return new EngineInfo(EngineKind.Docker, path, found, reason, details);
    }

    /// <summary>What a bind mount means when the daemon is elsewhere.</summary>
    internal static string RemoteWarning(string endpoint) =>
        $"The docker daemon at {endpoint} is on another machine and cannot see this machine's files: a bind mount of the local store would show that machine's directory (or nothing). Save and mount the model on the daemon's machine, or point DOCKER_HOST at a local daemon.";

    /// <summary>The endpoint the CLI would use (DOCKER_HOST, else the current context's), or null when it cannot say.</summary>
    private async Task<string?> DockerEndpointAsync(string path, CancellationToken cancellationToken)
    {
        var (result, _) = await TryRunAsync(path, DockerEndpointArgs, cancellationToken).ConfigureAwait(false);
        if (result is null || !result.Succeeded)
        {
            return Variable("DOCKER_HOST");
        }

        try
        {
            using var doc = JsonDocument.Parse(result.Stdout.Trim());
            return doc.RootElement.ValueKind == JsonValueKind.String && doc.RootElement.GetString() is { Length: > 0 } host ? host : Variable("DOCKER_HOST");
        }
        catch (JsonException)
        {
            return Variable("DOCKER_HOST");
        }
    }

    private string? Variable(string name)
    {
        if (environment is not null && environment.TryGetValue(name, out var value))
        {
            return string.IsNullOrEmpty(value) ? null : value;
        }

        var inherited = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(inherited) ? null : inherited;
    }

    private async Task<(ProcessResult? Result, string? Failure)> TryRunAsync(string path, string[] args, CancellationToken cancellationToken)
    {
        try
        {
            var env = environment is null ? null : new Dictionary<string, string?>(environment.Count, StringComparer.Ordinal);
            if (env is not null)
            {
                foreach (var entry in environment!)
                {
                    env[entry.Key] = entry.Value;
                }
            }

            return (await runner.RunAsync(path, args, null, env, commandTimeout, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ModelPackException ex) when (ex.ErrorId is ErrorIds.ProcessTimedOut or ErrorIds.ProcessStartFailed)
        {
            return (null, ex.Message.TrimEnd('.'));
        }
    }

    private static bool IsUnknownCommand(ProcessResult result)
    {
        var text = result.Stderr + "\n" + result.Stdout;
        return text.IndexOf("unrecognized command", StringComparison.OrdinalIgnoreCase) >= 0 ||
               text.IndexOf("unknown command", StringComparison.OrdinalIgnoreCase) >= 0;
    }

    private static EngineInfo Unusable(EngineKind kind, string path, string? versionText, string why)
    {
        Version? version = EngineVersion.TryParse(versionText, out var parsed) ? parsed : null;
        var name = kind == EngineKind.Podman ? "podman" : "docker";
        var found = versionText is null ? $"{name} at {path}" : $"{name} {versionText} at {path}";
        var reason = $"Found {found}, but it does not work: {why}. Only HttpBind works.";
        return new EngineInfo(kind, path, found, reason, new EngineDetails
        {
            VersionText = versionText,
            Version = version,
            UnusableBecause = why,
            NoArtifactsBecause = why,
            ClientVersion = versionText,
        });
    }

    private static JsonElement? ParseObject(string stdout)
    {
        try
        {
            using var doc = JsonText.Parse(stdout.Trim());
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>": first line of stderr", for messages; empty when the engine said nothing.</summary>
    private static string Detail(ProcessResult result)
    {
        var text = result.Stderr.Trim();
        if (text.Length == 0)
        {
            return string.Empty;
        }

        var firstLine = text.Split('\n')[0].Trim();
        return ": " + DisplayText.Quote(firstLine);
    }

    private static string Excerpt(string stdout) => stdout.Trim().Length == 0 ? " (it printed nothing)" : " (it printed " + DisplayText.Quote(stdout.Trim()) + ")";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
}
