using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

public sealed partial class RegistryClient
{
    private const int MaxTagsPage = 32 * 1024 * 1024;
    private const int MaxTagPages = 10000;

    /// <summary>
    /// All tags of a repository, following <c>Link: &lt;...&gt;; rel="next"</c> pages.
    /// <paramref name="pageSize"/> asks for pages of that many (<c>n</c>); servers may ignore it.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string registry, string repository, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        if (pageSize is int n && n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), "The page size must be at least 1.");
        }

        var address = RegistryAddress.Parse(registry);
        ValidateRepository(repository);
        var target = address.Key + "/" + repository;
        var session = await ConnectAsync(address, cancellationToken).ConfigureAwait(false);
        var uri = ApiUri(session, $"v2/{repository}/tags/list" + (pageSize is int size ? "?n=" + size.ToString(CultureInfo.InvariantCulture) : string.Empty));
        var tags = new List<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 0; page < MaxTagPages; page++)
        {
            visited.Add(uri.AbsoluteUri);
            using var response = await SendAsync(
                session, repository, PullScope(repository), HttpMethod.Get, uri, null, null,
                HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                throw await ErrorAsync(session, repository, response, NotFoundMeaning.Repository, target, cancellationToken).ConfigureAwait(false);
            }

            var body = await _transport.ReadBoundedAsync(response.Content, MaxTagsPage, address.Key, response.Url, cancellationToken).ConfigureAwait(false)
                ?? throw RegistryErrors.Protocol(address.Key, response.Url, target, $"The tag list of '{target}' is larger than {MaxTagsPage} bytes per page.");
            tags.AddRange(ParseTags(body, address.Key, response.Url, target));
            var next = LinkHeader.FindNext(HeaderValues(response, "Link"));
            if (next is null)
            {
                return tags;
            }

            uri = new Uri(response.Url, next);
            if (visited.Contains(uri.AbsoluteUri))
            {
                _log.Log($"  the tag list's next page {SafeUrl.Format(uri)} was already read; stopping.");
                return tags;
            }
        }

        throw RegistryErrors.Protocol(address.Key, uri, target, $"The tag list of '{target}' has more than {MaxTagPages} pages.");
    }

    private static List<string> ParseTags(byte[] body, string registry, Uri url, string target)
    {
        var tags = new List<string>();
        try
        {
            using var doc = JsonText.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object &&
                doc.RootElement.TryGetProperty("tags", out var array) &&
                array.ValueKind == JsonValueKind.Array)
            {
                foreach (var tag in array.EnumerateArray())
                {
                    if (tag.ValueKind == JsonValueKind.String && tag.GetString() is { Length: > 0 } value)
                    {
                        tags.Add(value);
                    }
                }
            }
        }
        catch (JsonException)
        {
            throw new RegistryException(ErrorIds.RegistryError, ErrorKind.InvalidData, $"Registry '{registry}' sent a tag list for '{target}' that is not JSON.", target, url: SafeUrl.Format(url));
        }

        return tags;
    }
}
