using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Registry;

/// <summary>
/// Finds the credential for a registry and repository: an explicit one first, then the auth files
/// in podman's order (REGISTRY_AUTH_FILE alone if set; else $XDG_RUNTIME_DIR/containers/auth.json,
/// $XDG_CONFIG_HOME (~/.config)/containers/auth.json, $DOCKER_CONFIG/config.json or
/// ~/.docker/config.json). In each file: credHelpers for the registry, then auths from the most
/// specific key (host/namespace/repo ... host), then credsStore. Results are cached per client.
/// </summary>
internal sealed class CredentialResolver
{
    private readonly Dictionary<string, RegistryCredential> _explicit = new(StringComparer.Ordinal);
    private readonly RegistryEnvironment _environment;
    private readonly bool _useFiles;
    private readonly SecretRedactor _redactor;
    private readonly ConcurrentDictionary<string, Lazy<Task<RegistryCredential?>>> _cache = new(StringComparer.Ordinal);

    public CredentialResolver(IEnumerable<KeyValuePair<string, RegistryCredential>> explicitCredentials, RegistryEnvironment environment, bool useFiles, SecretRedactor redactor)
    {
        foreach (var pair in explicitCredentials)
        {
            var key = RegistryAddress.TryParse(pair.Key, out var address, out _) ? address!.Key : pair.Key.Trim().ToLowerInvariant();
            _explicit[key] = pair.Value;
            redactor.AddCredential(pair.Value);
        }

        _environment = environment;
        _useFiles = useFiles;
        _redactor = redactor;
    }

    public Task<RegistryCredential?> ResolveAsync(RegistryAddress registry, string? repository, CancellationToken cancellationToken)
    {
        var key = registry.Key + "/" + (repository ?? string.Empty);
        var lazy = _cache.GetOrAdd(key, _ => new Lazy<Task<RegistryCredential?>>(() => FindAsync(registry, repository, cancellationToken)));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            _cache.TryRemove(key, out _);
        }

        return task;
    }

    /// <summary>The auth files to read, in order of precedence.</summary>
    public IReadOnlyList<string> AuthFilePaths()
    {
        var paths = new List<string>();
        var explicitFile = _environment.GetVariable("REGISTRY_AUTH_FILE");
        if (explicitFile is not null)
        {
            paths.Add(explicitFile);
            return paths;
        }

        if (_environment.GetVariable("XDG_RUNTIME_DIR") is string runtime)
        {
            paths.Add(Path.Combine(runtime, "containers", "auth.json"));
        }

        var home = _environment.HomeDirectory;
        var configHome = _environment.GetVariable("XDG_CONFIG_HOME") ?? (home is null ? null : Path.Combine(home, ".config"));
        if (configHome is not null)
        {
            paths.Add(Path.Combine(configHome, "containers", "auth.json"));
        }

        if (_environment.GetVariable("DOCKER_CONFIG") is string dockerConfig)
        {
            paths.Add(Path.Combine(dockerConfig, "config.json"));
        }
        else if (home is not null)
        {
            paths.Add(Path.Combine(home, ".docker", "config.json"));
        }

        return paths;
    }

    /// <summary>Keys to try, most specific first: host/a/b/repo, host/a/b, host/a, host.</summary>
    public static List<string> LookupKeys(RegistryAddress registry, string? repository)
    {
        var keys = new List<string>();
        if (!string.IsNullOrEmpty(repository))
        {
            var segments = repository!.ToLowerInvariant().Split('/');
            for (var n = segments.Length; n >= 1; n--)
            {
                keys.Add(registry.Key + "/" + string.Join("/", segments, 0, n));
            }
        }

        keys.Add(registry.Key);
        return keys;
    }

    private async Task<RegistryCredential?> FindAsync(RegistryAddress registry, string? repository, CancellationToken cancellationToken)
    {
        if (_explicit.TryGetValue(registry.Key, out var given))
        {
            _redactor.Log($"Using the explicit credential ({given}) for '{registry.Key}'.");
            return given;
        }

        if (!_useFiles)
        {
            return null;
        }

        foreach (var path in AuthFilePaths())
        {
            var file = AuthFile.Load(path, _redactor.Log);
            if (file is null)
            {
                continue;
            }

            var found = await FromFileAsync(file, registry, repository, cancellationToken).ConfigureAwait(false);
            if (found is not null)
            {
                _redactor.AddCredential(found);
                _redactor.Log($"Using credentials for '{registry.Key}' ({found}) from {found.Source}.");
                return found;
            }
        }

        _redactor.Log($"No credentials found for '{registry.Key}'; requests are anonymous.");
        return null;
    }

    private async Task<RegistryCredential?> FromFileAsync(AuthFile file, RegistryAddress registry, string? repository, CancellationToken cancellationToken)
    {
        var serverUrl = registry.IsDockerHub ? "https://index.docker.io/v1/" : registry.Key;
        foreach (var helper in file.CredHelpers)
        {
            if (string.Equals(AuthFile.NormaliseKey(helper.Key), registry.Key, StringComparison.Ordinal))
            {
                return await CredentialHelper.GetAsync(helper.Value, serverUrl, file.Path, _environment, _redactor.Log, cancellationToken).ConfigureAwait(false);
            }
        }

        var keys = LookupKeys(registry, repository);
        foreach (var key in keys)
        {
            if (file.Auths.TryGetValue(key, out var exact) &&
                AuthFile.Decode(exact, $"entry '{key}' of '{file.Path}'", _redactor.Log) is RegistryCredential c)
            {
                return c;
            }
        }

        // Entries written as URLs or under another spelling of Docker Hub.
        foreach (var key in keys)
        {
            foreach (var entry in file.Auths)
            {
                if (string.Equals(AuthFile.NormaliseKey(entry.Key), key, StringComparison.Ordinal) &&
                    AuthFile.Decode(entry.Value, $"entry '{entry.Key}' of '{file.Path}'", _redactor.Log) is RegistryCredential c)
                {
                    return c;
                }
            }
        }

        if (file.CredsStore is string store)
        {
            if (_environment.FindExecutable(CredentialHelper.ExecutableName(store)) is null)
            {
                // A default store that is not installed (e.g. "desktop" copied from another machine)
                // must not break anonymous pulls.
                _redactor.Log($"The credsStore '{store}' of '{file.Path}' is not installed ({CredentialHelper.ExecutableName(store)} not on PATH); skipped.");
                return null;
            }

            return await CredentialHelper.GetAsync(store, serverUrl, file.Path, _environment, _redactor.Log, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }
}
