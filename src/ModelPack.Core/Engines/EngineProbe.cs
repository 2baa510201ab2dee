using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Engines;

/// <summary>
/// Asks an engine what it is: <c>podman version --format json</c> or
/// <c>docker version --format '{{json .Client}}'</c>, then for podman 5.7 or later
/// <c>podman artifact ls</c> (never <c>--help</c>: podman 4.x answers <c>podman artifact --help</c> with
/// its general help and exit code 0). Results are cached per executable path in an
/// <see cref="EngineProbeCache"/>; <c>refresh</c> probes again. An engine that fails to answer is
/// reported in the result, not thrown: HttpBind works without it.
/// </summary>
public sealed class EngineProbe
{
    private static readonly string[] PodmanVersionArgs = { "version", "--format", "json" };
    private static readonly string[] DockerVersionArgs = { "version", "--format", "{{json .Client}}" };
    private static readonly string[] ArtifactListArgs = { "artifact", "ls" };

    private readonly IProcessRunner runner;
    private readonly EngineProbeCache cache;
    private readonly TimeSpan commandTimeout;

    public EngineProbe(IProcessRunner? runner = null, EngineProbeCache? cache = null, TimeSpan? commandTimeout = null)
    {
        this.runner = runner ?? ProcessRunner.Instance;
        this.cache = cache ?? EngineProbeCache.Session;
        this.commandTimeout = commandTimeout ?? DefaultCommandTimeout;
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
        if (!refresh && cache.TryGet(path, out var cached))
        {
            return cached;
        }

        var stamp = EngineProbeCache.Stamp(path);
        var info = engine.Kind == EngineKind.Podman
            ? await ProbePodmanAsync(path, cancellationToken).ConfigureAwait(false)
            : await ProbeDockerAsync(path, cancellationToken).ConfigureAwait(false);
        cache.Store(path, stamp, info);
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
            return await PodmanCapabilitiesAsync(path, serverVersion!, serverParsed, note, cancellationToken).ConfigureAwait(false);
        }

        return await PodmanCapabilitiesAsync(path, clientVersion!, version, note, cancellationToken).ConfigureAwait(false);
    }

    private async Task<EngineInfo> PodmanCapabilitiesAsync(string path, string versionText, Version version, string note, CancellationToken cancellationToken, string? alias = null)
    {
        var found = $"podman {versionText} at {path}{note}{alias}";
        var subpath = version >= EngineRequirements.PodmanImageSubpath;
        string? noArtifacts = null;
        if (version < EngineRequirements.PodmanArtifact)
        {
            noArtifacts = $"podman {versionText} is older than {EngineVersion.Brief(EngineRequirements.PodmanArtifact)}, the first with 'podman artifact' mounts";
        }
        else
        {
            var (list, failure) = await TryRunAsync(path, ArtifactListArgs, cancellationToken).ConfigureAwait(false);
            if (list is null)
            {
                noArtifacts = failure;
            }
            else if (!list.Succeeded)
            {
                noArtifacts = $"'podman artifact ls' failed with exit code {list.ExitCode}{Detail(list)}";
            }
        }

        var reason = "Found " + found + ". " +
            (noArtifacts is null ? "'podman artifact' works. " : "No artifact mounts: " + noArtifacts + ". ") +
            (subpath
                ? "Image mounts take subpath."
                : $"Image mounts cannot take subpath (needs podman {EngineVersion.Brief(EngineRequirements.PodmanImageSubpath)}).");
        return new EngineInfo(EngineKind.Podman, path, versionText, version, true, noArtifacts is null, subpath, found, null, noArtifacts, reason);
    }

    private async Task<EngineInfo> ProbeDockerAsync(string path, CancellationToken cancellationToken)
    {
        var (result, failure) = await TryRunAsync(path, DockerVersionArgs, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return Unusable(EngineKind.Docker, path, null, failure!);
        }

        var client = ParseObject(result.Stdout);
        var versionText = client is JsonElement c ? JsonText.String(c, "Version") : null;
        if (!EngineVersion.TryParse(versionText, out var version))
        {
            return Unusable(EngineKind.Docker, path, versionText, $"'docker version' printed no client version (exit code {result.ExitCode}){Detail(result)}");
        }

        // podman-docker installs a "docker" that runs podman; podman's Client object has OsArch, docker's has Arch.
        if (client is JsonElement podmanShape && podmanShape.TryGetProperty("OsArch", out _))
        {
            return await PodmanCapabilitiesAsync(path, versionText!, version, string.Empty, cancellationToken, alias: " (a docker command that runs podman)").ConfigureAwait(false);
        }

        // The client answered; a daemon that did not is no obstacle to HttpBind, whose mounts docker runs later.
        var found = $"docker {versionText} at {path}";
        var daemon = result.Succeeded ? string.Empty : $" Its daemon did not answer (exit code {result.ExitCode}{Detail(result)}).";
        var reason = $"Found {found}. Docker has no artifact or image mounts; only HttpBind works.{daemon}";
        return new EngineInfo(EngineKind.Docker, path, versionText, version, true, false, false, found, null, "docker has no artifact mounts", reason);
    }

    private async Task<(ProcessResult? Result, string? Failure)> TryRunAsync(string path, string[] args, CancellationToken cancellationToken)
    {
        try
        {
            return (await runner.RunAsync(path, args, null, null, commandTimeout, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ModelPackException ex) when (ex.ErrorId is ErrorIds.ProcessTimedOut or ErrorIds.ProcessStartFailed)
        {
            return (null, ex.Message.TrimEnd('.'));
        }
    }

    private static EngineInfo Unusable(EngineKind kind, string path, string? versionText, string why)
    {
        Version? version = EngineVersion.TryParse(versionText, out var parsed) ? parsed : null;
        var name = kind == EngineKind.Podman ? "podman" : "docker";
        var found = versionText is null ? $"{name} at {path}" : $"{name} {versionText} at {path}";
        var reason = $"Found {found}, but it does not work: {why}. Only HttpBind works.";
        return new EngineInfo(kind, path, versionText, version, false, false, false, found, why, why, reason);
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
}
