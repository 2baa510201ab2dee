using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Registry;

/// <summary>
/// The registries.conf mirrors of a pull (<see cref="PullSources"/>): reads try each mirror in order and then this
/// repository, the location. A mirror that fails in any way (no connection, an error status, not having the
/// manifest or blob, content that does not verify) is passed over for the next; one that cannot be reached is
/// not asked again by this client. Mirrors get a single attempt per request (the next endpoint is the retry);
/// the location keeps the client's retries. Each answer from a mirrored repository says in the log which
/// endpoint gave it.
/// </summary>
internal sealed partial class RegistryRepository
{
    private IReadOnlyList<RegistryRepository> _mirrors = Array.Empty<RegistryRepository>();

    /// <summary>Mirrors tried before this repository for reads; empty for most, and always for a mirror itself.</summary>
    internal IReadOnlyList<RegistryRepository> Mirrors => _mirrors;

    /// <summary>Whether this repository is a mirror of another (its requests are not retried).</summary>
    internal bool IsMirror { get; private set; }

    /// <summary>The endpoints reads go to, in order: mirrors not known to be down, then this repository.</summary>
    internal IEnumerable<RegistryRepository> Endpoints
    {
        get
        {
            foreach (var mirror in _mirrors)
            {
                if (!_client.IsDown(mirror.Registry))
                {
                    yield return mirror;
                }
            }

            yield return this;
        }
    }

    /// <summary>Makes <paramref name="mirrors"/> (repositories of this client) the mirrors of this one.</summary>
    internal void UseMirrors(IReadOnlyList<RegistryRepository> mirrors)
    {
        foreach (var mirror in mirrors)
        {
            mirror.IsMirror = true;
        }

        _mirrors = mirrors;
    }

    /// <summary>
    /// Whether <paramref name="failure"/> of <paramref name="endpoint"/>, a mirror, means trying the next endpoint
    /// (anything but the caller's cancellation); a connection failure also marks the mirror down for this client.
    /// </summary>
    internal bool PassOver(RegistryRepository endpoint, Exception failure, string what, CancellationToken cancellationToken)
    {
        if (!endpoint.IsMirror || (failure is OperationCanceledException && cancellationToken.IsCancellationRequested) ||
            failure is not (ModelPackException or IOException or HttpRequestException))
        {
            return false;
        }

        if (failure is ModelPackException { ErrorId: ErrorIds.RegistryUnreachable or ErrorIds.RegistryTooSlow })
        {
            _client.MarkDown(endpoint.Registry);
        }

        Log.Log($"Mirror '{endpoint}' did not serve {what} ({failure.Message}); trying the next endpoint.");
        return true;
    }

    /// <summary>Says which endpoint served <paramref name="what"/>, when this repository has mirrors.</summary>
    internal void LogServed(RegistryRepository endpoint, string what)
    {
        if (_mirrors.Count == 0)
        {
            return;
        }

        Log.Log(endpoint.IsMirror
            ? $"{what} came from mirror '{endpoint}'."
            : $"{what} came from '{endpoint}', the registry itself (after its mirrors).");
    }

    /// <summary>Runs a read against each endpoint in turn until one serves it (<see cref="PassOver"/>).</summary>
    private async Task<T> FromEndpointsAsync<T>(string what, Func<RegistryRepository, Task<T>> read, CancellationToken cancellationToken)
    {
        foreach (var endpoint in Endpoints)
        {
            try
            {
                var result = await read(endpoint).ConfigureAwait(false);
                LogServed(endpoint, what);
                return result;
            }
            catch (Exception ex) when (PassOver(endpoint, ex, what, cancellationToken))
            {
            }
        }

        throw new InvalidOperationException("The location is always the last endpoint and is never passed over.");
    }
}
